namespace AccountMetadata.Api.Json;

/// <summary>Body of <c>POST /accounts/batch-get</c>.</summary>
public sealed record BatchGetRequest(IReadOnlyList<string>? AccountIds, IReadOnlyList<string>? Namespaces);
