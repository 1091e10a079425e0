namespace AccountMetadata.Api;

/// <summary>One refused item of a batch write, as listed in the 400 problem's <c>errors</c>.</summary>
public sealed record ItemProblem(int Index, string Reason, string Detail);
