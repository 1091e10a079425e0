namespace AccountMetadata.Api;

/// <summary>Why one item of a write was refused: the dead-letter reason name and a sentence.</summary>
public readonly record struct FeatureItemError(string Reason, string Detail);
