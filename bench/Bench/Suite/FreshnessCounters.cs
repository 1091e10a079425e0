namespace AccountMetadata.Bench.Suite;

/// <summary>The silo's counters that the freshness run reports as differences over its probes.</summary>
internal readonly record struct FreshnessCounters(
    double GcPausedSeconds, double Gen0, double Gen1, double Gen2, double Applied, double ItemWrites, double AllocatedBytes);
