using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Streaming.Kafka;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// Stops the partitions this silo pulls while its storage holds too much unwritten state (DynamoDB slow or away),
/// resuming at half so that reading does not flap at the bound, and for a while after an account load failed.
/// Deliveries wait for durability, so the stream provider's own bound (records read and not delivered) stops reading
/// too; this one names the cause.
/// </summary>
public sealed class StorageBackpressure(DynamoAccountStorage storage, IngestionOptions options) : IKafkaStreamBackpressure
{
    /// <summary>One text, not one per call: the provider records (and shows operators) a reason when it changes.</summary>
    private const string LoadsFailing = "account loads from DynamoDB failing";

    private volatile bool _paused;

    public string? PauseReason()
    {
        if (storage.SinceLoadsFailing < options.PauseAfterFailedLoad)
        {
            // Grains take deliveries before their items arrive, so while loads fail their changes pile up where
            // storage's dirty counts do not see them. Reading stops for a while after each failure; the loads that
            // the grains ask again (and any cold account's after the pause) tell when DynamoDB is back.
            return LoadsFailing;
        }

        var dirty = storage.DirtyNamespaces;
        var bytes = storage.DirtyBytes;
        var limit = _paused ? 2 : 1; // resume once below half of the bound
        string? reason = dirty * limit >= options.PauseAtDirtyNamespaces ? $"{dirty} namespaces waiting for DynamoDB"
            : bytes * limit >= options.PauseAtDirtyBytes ? $"{bytes} bytes waiting for DynamoDB"
            : null;
        _paused = reason is not null;
        return reason;
    }
}
