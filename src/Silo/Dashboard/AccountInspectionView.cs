namespace AccountMetadata.Silo.Dashboard;

/// <summary>An account as held in this silo's memory (<c>GET /dashboard/api/accounts/{id}</c>).</summary>
public sealed record AccountInspectionView(string AccountId, bool Active, int OwnerPartition, IReadOnlyList<NamespaceInspectionView> Namespaces);

public sealed record NamespaceInspectionView(string Namespace, DateTimeOffset UpdatedAt, bool Durable, IReadOnlyList<FeatureView> Features);

public sealed record FeatureView(string Name, string Value, long Timestamp);
