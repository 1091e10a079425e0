namespace AccountMetadata.Api;

/// <summary>
/// The write path's entrance, implemented by the silo: the same validation the Kafka consumer applies, and a producer
/// to the ingest topic. Writes never go to grains directly: they travel through Kafka, ordered per account.
/// </summary>
public interface IFeatureIngress
{
    /// <summary>Checks one message in the ingest topic's shape; null when it would be applied, else why not.</summary>
    FeatureItemError? Validate(ReadOnlySpan<byte> message, out string? accountId);

    /// <summary>
    /// Produces the messages keyed by account id; completes when the broker acknowledged every one, or throws
    /// <see cref="IngestUnavailableException"/> when the brokers cannot take them.
    /// </summary>
    Task PublishAsync(IReadOnlyList<(string AccountId, byte[] Message)> messages, CancellationToken cancellationToken);

    /// <summary>Produces an erase command for the account, ordered with its features.</summary>
    Task PublishEraseAsync(string accountId, CancellationToken cancellationToken);
}
