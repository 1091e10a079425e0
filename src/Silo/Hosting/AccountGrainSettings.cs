namespace AccountMetadata.Silo.Hosting;

/// <summary>Configuration section <c>Grains</c>: how long account activations live, and memory pressure.</summary>
public sealed class AccountGrainSettings
{
    public const string SectionName = "Grains";

    /// <summary>An account activation unused for this long is collected (Orleans' per-type collection age).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often Orleans looks for idle activations (its collection quantum).</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Above this share of the memory available to the process Orleans sheds activations, oldest first, until usage
    /// is back under <see cref="MemoryUsageTargetPercentage"/>: a flood of distinct accounts cannot exhaust the heap.
    /// </summary>
    public double MemoryUsageLimitPercentage { get; set; } = 80;

    public double MemoryUsageTargetPercentage { get; set; } = 70;

    /// <summary>How long a deactivation may wait for the account's writes to become durable.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Place each account's grain on the silo that pulls its Kafka partition (rather than Orleans' default
    /// placement), so stream deliveries do not cross silos; reads still come through any silo. Off: two silos on one
    /// machine exchanged half the messages per delivery with it (2.0 against 4.1) but ingested no faster, DynamoDB
    /// being the bound (<c>scripts/bench cluster-cost</c>, README "Performance"); worth measuring again across machines.
    /// </summary>
    public bool PlaceByPartition { get; set; }
}
