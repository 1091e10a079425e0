namespace AccountMetadata.Grains;

/// <summary>What applying a batch of updates to one account did.</summary>
public readonly record struct ApplyResult(int Applied, int IgnoredAsOlder, IReadOnlyList<RejectedUpdate> Rejected)
{
    public static readonly IReadOnlyList<RejectedUpdate> NoRejections = [];
}
