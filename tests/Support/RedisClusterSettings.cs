namespace AccountMetadata.Testing;

/// <summary>The settings that make silo processes one Orleans cluster, its membership in the stack's Redis.</summary>
public static class RedisClusterSettings
{
    public static Dictionary<string, string> For(string clusterId) => new(StringComparer.Ordinal)
    {
        ["Cluster__Clustering"] = "Redis",
        ["Cluster__RedisConnectionString"] = StackEndpoints.Current.Redis,
        ["Cluster__ClusterId"] = clusterId,
    };
}
