namespace AccountMetadata.Api;

/// <summary>Body of the 202 answer to <c>POST /features</c>.</summary>
public sealed record FeatureBatchAccepted(int Accepted);
