namespace AccountMetadata.Grains;

/// <summary>An account as held in memory, for the operators' dashboard.</summary>
public sealed record AccountInspection(string AccountId, IReadOnlyList<NamespaceInspection> Namespaces);

/// <summary>One namespace in memory; <see cref="IsDurable"/> says whether storage has exactly this version.</summary>
public sealed record NamespaceInspection(NamespaceFeatures Features, bool IsDurable);
