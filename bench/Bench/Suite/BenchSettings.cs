namespace AccountMetadata.Bench.Suite;

/// <summary>Sizes of a suite run (defaults: the issue's).</summary>
/// <param name="FreshnessRate">The freshness figure's background ingest (the 10,000 features/s); lower it on a
/// machine whose DynamoDB Local cannot make that rate durable, where backpressure pauses reading and the figure
/// measures the pause.</param>
/// <param name="FreshnessWarmupSeconds">How long that background ingest runs before the first probe.</param>
internal sealed record BenchSettings(
    int Accounts = 50_000, int NaiveMessages = 100_000, int MemoryAccounts = 200_000, int WriteModeItems = 5_000, int Seed = 42, int FreshnessRate = 10_000,
    int FreshnessWarmupSeconds = 20)
{
    public TimeSpan FreshnessWarmup => TimeSpan.FromSeconds(FreshnessWarmupSeconds);
}
