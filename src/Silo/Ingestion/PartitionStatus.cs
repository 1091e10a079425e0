namespace AccountMetadata.Silo.Ingestion;

/// <summary>One assigned partition as ingestion last saw it.</summary>
public sealed record PartitionStatus(int Partition, long Position, long HighWatermark, long CommittedOffset, DateTimeOffset? LastCommitAt, bool IsPaused)
{
    public long Lag => HighWatermark < 0 || Position < 0 ? 0 : Math.Max(0, HighWatermark - Position);
}
