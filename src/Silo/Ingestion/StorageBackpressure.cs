using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Streaming.Kafka;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// Stops the partitions this silo pulls while its storage holds too much unwritten state (DynamoDB slow or away);
/// resumes at half, so reading does not flap at the bound. Deliveries wait for durability, so the stream provider's
/// own bound (records read and not delivered) stops reading too; this one names the cause.
/// </summary>
public sealed class StorageBackpressure(DynamoAccountStorage storage, IngestionOptions options) : IKafkaStreamBackpressure
{
    private volatile bool _paused;

    public string? PauseReason()
    {
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
