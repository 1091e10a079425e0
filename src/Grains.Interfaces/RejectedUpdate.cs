namespace AccountMetadata.Grains;

/// <summary>An update the grain refused, by its position in the applied batch, with a reason a person can act on.</summary>
public readonly record struct RejectedUpdate(int Index, RejectionReason Reason, string Detail);
