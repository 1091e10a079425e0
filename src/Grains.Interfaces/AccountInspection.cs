namespace AccountMetadata.Grains;

/// <summary>An account as held in memory, for the operators' dashboard.</summary>
[GenerateSerializer]
[Immutable]
public sealed record AccountInspection([property: Id(0)] string AccountId, [property: Id(1)] NamespaceInspection[] Namespaces);

/// <summary>One namespace in memory; <see cref="IsDurable"/> says whether storage has exactly this version.</summary>
[GenerateSerializer]
[Immutable]
public sealed record NamespaceInspection([property: Id(0)] NamespaceFeatures Features, [property: Id(1)] bool IsDurable);
