namespace AccountMetadata.Bench.Soak;

internal sealed record SoakSettings(TimeSpan Duration, int Silos, int Accounts, int IngestPerSecond, int ReadsPerSecond, TimeSpan SampleEvery)
{
    /// <summary>From this sample time on the heap must be flat: before it, caches and pools are still filling.</summary>
    public static readonly TimeSpan SettledAfter = TimeSpan.FromMinutes(5);

    /// <summary>How far a silo's heap may move from its settled size by the end.</summary>
    public const double HeapTolerance = 0.10;
}
