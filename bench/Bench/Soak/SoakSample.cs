namespace AccountMetadata.Bench.Soak;

/// <summary>One sampling interval of the soak: each silo's memory at its end, and the load over it.</summary>
internal sealed record SoakSample(
    TimeSpan At, IReadOnlyList<long> HeapBytes, IReadOnlyList<long> RssBytes, double ReadsPerSecond, double ReadP99Ms, long Errors, double AppliedPerSecond);
