namespace AccountMetadata.Streaming.Kafka;

/// <summary>One partition pulled by this silo, as its receiver last saw it (refreshed about once a second).</summary>
public sealed record KafkaPartitionStatus(
    int Partition,
    long Position,
    long HighWatermark,
    long CommittedOffset,
    DateTimeOffset? CommittedAt,
    long UncommittedRecords,
    string? PauseReason)
{
    /// <summary>Records in the partition not read yet.</summary>
    public long Lag => HighWatermark < 0 || Position < 0 ? 0 : Math.Max(0, HighWatermark - Position);

    public bool IsPaused => PauseReason is not null;
}
