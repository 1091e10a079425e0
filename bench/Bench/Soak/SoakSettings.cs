namespace AccountMetadata.Bench.Soak;

internal sealed record SoakSettings(TimeSpan Duration, int Accounts, int IngestPerSecond, int ReadsPerSecond, TimeSpan SampleEvery);
