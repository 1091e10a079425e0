namespace AccountMetadata.Grains;

/// <summary>What applying a batch of updates to one account did.</summary>
public readonly record struct ApplyResult(int Applied, int IgnoredAsOlder, IReadOnlyList<RejectedUpdate> Rejected)
{
    /// <summary>
    /// Of <see cref="Applied"/>, the updates already stored with the same timestamp and value: redeliveries after
    /// a crash or a rebalance, which cost nothing to apply.
    /// </summary>
    public int Replayed { get; init; }

    public static readonly IReadOnlyList<RejectedUpdate> NoRejections = [];
}
