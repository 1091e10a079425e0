namespace AccountMetadata.Silo.Pipeline;

/// <summary>One second of the time series the pipeline view charts (the last five minutes are kept).</summary>
public sealed record SeriesPoint(
    DateTimeOffset At,
    double RequestsPerSecond,
    double HttpP99Ms,
    double ConsumedPerSecond,
    double AppliedPerSecond,
    double ItemWritesPerSecond,
    int DirtyNamespaces,
    long TotalLag,
    double CpuPercent,
    long GcHeapBytes,
    int ActiveGrains);
