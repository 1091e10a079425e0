using System.Net;
using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Silo.Kafka;
using AccountMetadata.Silo.Metrics;
using AccountMetadata.Silo.Pipeline;
using Orleans.Dashboard;
using AccountMetadata.Streaming.Kafka;
using Orleans.Configuration;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// The Orleans side of the composition root: clustering, grain collection, the account storage and the Kafka stream
/// provider that feeds the account grains.
/// </summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder ConfigureAccountMetadataSilo(this ISiloBuilder silo, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
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
        AddAccountStreams(silo, configuration);
        if (grains.PlaceByPartition)
        {
            silo.PlaceWithKafkaPartition<AccountGrain>(AccountStreams.ProviderName);
        }

        AddDashboard(silo, configuration, environment);
        if (!string.IsNullOrWhiteSpace(configuration[SiloTelemetry.OtlpEndpointSetting]))
        {
            silo.AddActivityPropagation(); // grain calls become spans, exported with the traces
        }

        return silo;
    }

    /// <summary>
    /// The ingest topic as the account grains' streams: every silo produces (the API's writes), the ones with
    /// ingestion on pull the partitions Orleans gives them. Implicit subscriptions only: no pub-sub state to store.
    /// </summary>
    private static void AddAccountStreams(ISiloBuilder silo, IConfiguration configuration)
    {
        var kafka = new KafkaOptions();
        configuration.GetSection(KafkaOptions.SectionName).Bind(kafka);
        var ingestion = new IngestionOptions();
        configuration.GetSection(IngestionOptions.SectionName).Bind(ingestion);
        silo.AddKafkaStreams<FeatureMessageMapper>(
            AccountStreams.ProviderName,
            options =>
            {
                options.Topic = kafka.IngestTopic;
                options.ConsumerGroup = kafka.ConsumerGroup;
                options.DeadLetterTopic = kafka.DeadLetterTopic;
                options.Consumer = KafkaClientConfigs.Consumer(kafka, kafka.ConsumerGroup);
                options.Producer = KafkaClientConfigs.Producer(kafka, kafka.HttpWriteTimeout); // an HTTP write answers 503 after this
                options.Pull = ingestion.Enabled;
                options.MaxMessagesPerRead = ingestion.MaxBatchMessages;
                options.MaxUncommittedMessages = ingestion.MaxUncommittedMessages;
                options.DrainTimeout = ingestion.DrainTimeout;
                options.CommitInterval = ingestion.CommitInterval;
            },
            stream =>
            {
                stream.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
                stream.ConfigurePullingAgent(agent => agent.Configure(options =>
                {
                    options.GetQueueMsgsTimerPeriod = ingestion.PollInterval;
                    options.StreamInactivityPeriod = ingestion.StreamInactivityPeriod;
                }));
            });
        silo.Services.AddKeyedSingleton<IKafkaStreamBackpressure, StorageBackpressure>(AccountStreams.ProviderName);
        silo.Services.AddSingleton(new AccountDeliveryOptions { AcknowledgeBeforeDurable = ingestion.AcknowledgeBeforeDurable });
        if (ingestion.AcknowledgeBeforeDurable)
        {
            silo.Services.AddKeyedSingleton<IKafkaDeliveryConfirmation, AccountDeliveryConfirmation>(AccountStreams.ProviderName);
        }
    }

    /// <summary>
    /// The Orleans Dashboard on every silo (mapped under <c>/dashboard</c> for operators only, in Program). Its live
    /// log may carry customer data, so production hides it unless <c>Dashboard:HideTrace</c> says otherwise.
    /// </summary>
    private static void AddDashboard(ISiloBuilder silo, IConfiguration configuration, IHostEnvironment environment)
    {
        var hideTrace = configuration.GetValue("Dashboard:HideTrace", !DeploymentProfile.IsLocal(environment));
        silo.AddDashboard(options => options.HideTrace = hideTrace);
        silo.AddGrainService<PipelineSiloService>(); // each silo's figures for the cluster-wide pipeline view
        silo.Services.AddSingleton<OrleansMeterMirror>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<OrleansMeterMirror>());
    }

    /// <summary>An IP address, or a host name resolved to its first IPv4 address (a container's service name).</summary>
    private static IPAddress AddressOf(string address) =>
        IPAddress.TryParse(address, out var ip)
            ? ip
            : Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"{ClusterSettings.SectionName}:{nameof(ClusterSettings.AdvertisedAddress)} '{address}' has no IPv4 address.");
}
