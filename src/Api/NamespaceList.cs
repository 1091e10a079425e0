namespace AccountMetadata.Api;

/// <summary>Body of <c>GET /namespaces</c>.</summary>
public sealed record NamespaceList(IReadOnlyList<string> Namespaces);
