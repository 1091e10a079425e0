namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// One partition pulled by this silo, as its receiver last saw it (refreshed about once a second).
/// <see cref="CaughtUpAt"/> is when it was last read to its end (null: not since this silo took it).
/// </summary>
public sealed record KafkaPartitionStatus(
    int Partition,
    long Position,
    long HighWatermark,
    long CommittedOffset,
    DateTimeOffset? CommittedAt,
    long UncommittedRecords,
    string? PauseReason,
    DateTimeOffset? CaughtUpAt = null)
{
    /// <summary>Records in the partition not read yet.</summary>
    public long Lag => HighWatermark < 0 || Position < 0 ? 0 : Math.Max(0, HighWatermark - Position);

    public bool IsPaused => PauseReason is not null;

    /// <summary>
    /// How far behind in time: 0 when read to the end, else the time since it last was (an upper bound on the age of
    /// the oldest unread record; null when this silo has never caught up on it).
    /// </summary>
    public TimeSpan? LagTime(DateTimeOffset now) => Lag == 0 ? TimeSpan.Zero : now - CaughtUpAt;
}
