namespace AccountMetadata.Silo.Hosting;

/// <summary>Configuration section <c>Cluster</c>: how this silo finds the others.</summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Cluster";

    /// <summary><c>Localhost</c> (one silo, the default) or <c>Redis</c> (several silos, membership in Redis).</summary>
    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>StackExchange.Redis configuration string for <see cref="ClusteringKind.Redis"/>; may carry a password.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Silos with the same cluster id form one cluster.</summary>
    public string ClusterId { get; set; } = "account-metadata";

    /// <summary>Stable across deployments of this service (Orleans keys some persistent data by it).</summary>
    public string ServiceId { get; set; } = "account-metadata";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for external Orleans clients; 0 (the default) opens none, since the API is co-hosted in the silo.</summary>
    public int GatewayPort { get; set; }

    /// <summary>
    /// The address this silo binds and advertises to the others (loopback by default: the local stack). A silo on a
    /// real network sets its own routable address, or a host name that resolves to it (a container's service name).
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// How fast a dead silo is noticed. Each silo probes others every <see cref="ProbeTimeout"/>; after
    /// <see cref="NumMissedProbesLimit"/> missed probes it votes the silo dead, and the table is re-read every
    /// <see cref="TableRefreshTimeout"/>. With the defaults below a killed silo is declared dead in about 3-5 s
    /// (Orleans' defaults take about 14 s or more).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public int NumMissedProbesLimit { get; set; } = 2;

    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Where cluster membership lives.</summary>
public enum ClusteringKind
{
    /// <summary>A single silo on this machine; no membership store.</summary>
    Localhost,

    /// <summary>Membership table in Redis (<c>Microsoft.Orleans.Clustering.Redis</c>).</summary>
    Redis,
}
