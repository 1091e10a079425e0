namespace AccountMetadata.Bench.Soak;

internal sealed record SoakSample(TimeSpan At, long RssBytes, long GcHeapBytes, double ReadsPerSecond, double ReadP99Ms, long Errors, double AppliedPerSecond);
