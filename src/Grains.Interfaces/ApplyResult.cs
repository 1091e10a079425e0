namespace AccountMetadata.Grains;

/// <summary>What applying a batch of updates to one account did.</summary>
[GenerateSerializer]
[Immutable]
public readonly record struct ApplyResult(
    [property: Id(0)] int Applied,
    [property: Id(1)] int IgnoredAsOlder,
    [property: Id(2)] RejectedUpdate[] Rejected)
{
    /// <summary>
    /// Of <see cref="Applied"/>, the updates already stored with the same timestamp and value: redeliveries after
    /// a crash or a rebalance, which cost nothing to apply.
    /// </summary>
    [Id(3)]
    public int Replayed { get; init; }

    /// <summary>
    /// The activation that applied the updates. Durability is that activation's to promise: a caller passes it to
    /// <see cref="IAccountGrain.WhenDurableAsync"/>, which answers false if another activation answers instead (the
    /// first one's silo died before its flush), and the caller applies again.
    /// </summary>
    [Id(4)]
    public Guid Activation { get; init; }

    public static readonly RejectedUpdate[] NoRejections = [];
}
