namespace AccountMetadata.Bench.Suite;

/// <summary>Sizes of a suite run (defaults: the issue's).</summary>
internal sealed record BenchSettings(int Accounts = 50_000, int NaiveMessages = 100_000, int MemoryAccounts = 200_000, int WriteModeItems = 5_000, int Seed = 42);
