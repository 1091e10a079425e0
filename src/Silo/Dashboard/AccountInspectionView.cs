namespace AccountMetadata.Silo.Dashboard;

/// <summary>
/// An account as its activation holds it in memory, on whichever silo of the cluster that is
/// (<c>GET /dashboard/api/accounts/{id}</c>); <see cref="Silo"/> is that silo's address, null when not active.
/// </summary>
public sealed record AccountInspectionView(string AccountId, bool Active, string? Silo, IReadOnlyList<NamespaceInspectionView> Namespaces);

public sealed record NamespaceInspectionView(string Namespace, DateTimeOffset UpdatedAt, bool Durable, IReadOnlyList<FeatureView> Features);

public sealed record FeatureView(string Name, string Value, long Timestamp);
