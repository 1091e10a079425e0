namespace AccountMetadata.Grains;

/// <summary>
/// An account as its activation holds it, on whichever silo that is (<see cref="Silo"/>, null when not active).
/// Plain strings and numbers: the Orleans Dashboard renders it with System.Text.Json.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record AccountStateView(
    [property: Id(0)] string AccountId,
    [property: Id(1)] bool Active,
    [property: Id(2)] string? Silo,
    [property: Id(3)] NamespaceStateView[] Namespaces);

/// <summary>One namespace in memory; <see cref="Durable"/> says whether DynamoDB holds exactly this version.</summary>
[GenerateSerializer]
[Immutable]
public sealed record NamespaceStateView(
    [property: Id(0)] string Namespace,
    [property: Id(1)] DateTimeOffset UpdatedAt,
    [property: Id(2)] bool Durable,
    [property: Id(3)] FeatureStateView[] Features);

[GenerateSerializer]
[Immutable]
public sealed record FeatureStateView([property: Id(0)] string Name, [property: Id(1)] string Value, [property: Id(2)] long Timestamp);
