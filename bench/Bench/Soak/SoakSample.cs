namespace AccountMetadata.Bench.Soak;

/// <summary>
/// One sampling interval of the soak: each silo's memory at its end, and the load over it. Reads made while the
/// heaps were measured (the induced full collections pause each silo) are counted apart: their p99 is that of the
/// collections, not of the service. A heap the runtime did not report in time is null.
/// </summary>
internal sealed record SoakSample(
    TimeSpan At,
    IReadOnlyList<long?> HeapBytes,
    IReadOnlyList<long> RssBytes,
    double ReadsPerSecond,
    double ReadP99Ms,
    double ReadP99WhileCollectingMs,
    long Errors,
    double AppliedPerSecond);
