namespace AccountMetadata.Grains;

/// <summary>An update the grain refused, by its position in the applied batch, with a reason a person can act on.</summary>
[GenerateSerializer]
[Immutable]
public readonly record struct RejectedUpdate(
    [property: Id(0)] int Index,
    [property: Id(1)] RejectionReason Reason,
    [property: Id(2)] string Detail);
