using System.Net;
using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using Orleans.Configuration;

namespace AccountMetadata.Silo.Hosting;

/// <summary>The Orleans side of the composition root: clustering, grain collection and the account storage.</summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder ConfigureAccountMetadataSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var cluster = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        var grains = configuration.GetSection(AccountGrainSettings.SectionName).Get<AccountGrainSettings>() ?? new AccountGrainSettings();

        if (cluster.Clustering == ClusteringKind.Redis)
        {
            if (string.IsNullOrWhiteSpace(cluster.RedisConnectionString))
            {
                throw new InvalidOperationException($"{ClusterSettings.SectionName}:{nameof(ClusterSettings.RedisConnectionString)} is required with Redis clustering.");
            }

            silo.UseRedisClustering(cluster.RedisConnectionString);
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(AddressOf(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = cluster.ProbeTimeout;
                options.NumMissedProbesLimit = cluster.NumMissedProbesLimit;
                options.TableRefreshTimeout = cluster.TableRefreshTimeout;
            });
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        silo.Configure<GrainCollectionOptions>(options =>
        {
            options.CollectionQuantum = grains.CollectionInterval;
            options.ClassSpecificCollectionAge[typeof(AccountGrain).FullName!] = grains.IdleTimeout;
            options.DeactivationTimeout = grains.DeactivationTimeout;
            options.EnableActivationSheddingOnMemoryPressure = true;
            options.MemoryUsageLimitPercentage = grains.MemoryUsageLimitPercentage;
            options.MemoryUsageTargetPercentage = grains.MemoryUsageTargetPercentage;
        });

        silo.AddDynamoDbAccountStorage(
            AccountGrain.StorageName,
            options => configuration.GetSection(DynamoDbOptions.SectionName).Bind(options),
            options => configuration.GetSection(WriteBehindOptions.SectionName).Bind(options));
        return silo;
    }

    /// <summary>An IP address, or a host name resolved to its first IPv4 address (a container's service name).</summary>
    private static IPAddress AddressOf(string address) =>
        IPAddress.TryParse(address, out var ip)
            ? ip
            : Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"{ClusterSettings.SectionName}:{nameof(ClusterSettings.AdvertisedAddress)} '{address}' has no IPv4 address.");
}
