using AccountMetadata.Silo.Ingestion;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>
/// Everything the pipeline view shows at one instant, as served by <c>GET /pipeline/api/snapshot</c>. Rates are per
/// second over the last sampling interval; percentiles are over that interval too (not since start).
/// </summary>
public sealed record PipelineSnapshot(
    DateTimeOffset At,
    string SiloAddress,
    SiloPanel Silo,
    HttpPanel Http,
    IReadOnlyList<GrainTypePanel> GrainTypes,
    IngestionPanel Ingestion,
    StoragePanel Storage);

public sealed record SiloPanel(
    string Host,
    int ProcessId,
    int Cores,
    double UptimeSeconds,
    double CpuPercent,
    long WorkingSetBytes,
    long GcHeapBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseTimePercent,
    int ThreadPoolThreads,
    long ThreadPoolQueueLength);

public sealed record HttpPanel(double RequestsPerSecond, double P50Ms, double P99Ms, double ClientErrorsPerSecond, double ServerErrorsPerSecond, long RequestsTotal);

/// <summary>Activations of one grain type on this silo (per-method statistics: the Orleans Dashboard).</summary>
public sealed record GrainTypePanel(string Type, int Active);

public sealed record IngestionPanel(
    bool Enabled,
    string Topic,
    string ConsumerGroup,
    double ConsumedPerSecond,
    double AppliedPerSecond,
    double IgnoredAsOlderPerSecond,
    double DeadLetteredPerSecond,
    long ConsumedTotal,
    long AppliedTotal,
    long IgnoredAsOlderTotal,
    long ErasedTotal,
    IReadOnlyDictionary<string, long> DeadLettersByReason,
    bool Paused,
    string? PauseReason,
    long TotalLag,
    double FeaturesPerDelivery,
    IReadOnlyList<PartitionPanel> Partitions,
    IReadOnlyList<DeadLetterSample> RecentDeadLetters,
    FreshnessPanel Freshness);

/// <summary>
/// Broker acknowledgement of an API write to the first read that answers it, sampled (<see cref="FreshnessSampler"/>),
/// over the last minute: percentiles, how many samples, and how many were never readable within a minute (ever).
/// </summary>
public sealed record FreshnessPanel(double P50Ms, double P99Ms, long Samples, long MissedTotal);

/// <summary>
/// One partition this silo pulls. <see cref="LagSeconds"/>: 0 when read to the end, else the time since it last was
/// (null: not since this silo took it); <see cref="CommitAgeSeconds"/>: since the last commit (null: none yet).
/// </summary>
public sealed record PartitionPanel(
    int Partition,
    long Lag,
    double? LagSeconds,
    long Position,
    long HighWatermark,
    long CommittedOffset,
    DateTimeOffset? LastCommitAt,
    double? CommitAgeSeconds,
    long Uncommitted,
    bool Paused,
    string? PauseReason);

public sealed record StoragePanel(
    double ItemWritesPerSecond,
    double WriteRequestsPerSecond,
    double FeaturesPerItemWrite,
    double ChangesPerItemWrite,
    long ItemWritesTotal,
    long RetriedWritesTotal,
    long ConflictsTotal,
    long ThrottlesTotal,
    long FailedBatchesTotal,
    int DirtyNamespaces,
    long DirtyBytes,
    double OldestDirtySeconds,
    double FlushP50Ms,
    double FlushP99Ms,
    long DurableWatermark,
    long LastSequence,
    double AccountLoadsPerSecond,
    double LoadRequestsPerSecond,
    double LoadP50Ms,
    double LoadP99Ms,
    int LoadsWaiting);
