using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Pipeline;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Silo.Kafka;
using AccountMetadata.Diagnostics;
using AccountMetadata.Silo.Metrics;
using AccountMetadata.Silo.Schemas;
using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Orleans.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// The silo's own services around Orleans: options, API, schemas, ingestion, metrics and dashboard. Orleans itself
/// (clustering, grains, the account storage) is configured in <see cref="SiloBuilderExtensions"/>.
/// </summary>
public static class SiloServiceCollectionExtensions
{
    public static IServiceCollection AddAccountMetadataSilo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(Bind<DynamoDbOptions>(configuration, DynamoDbOptions.SectionName));
        services.AddSingleton(Bind<KafkaOptions>(configuration, KafkaOptions.SectionName));
        services.AddSingleton(Bind<ApiOptions>(configuration, ApiOptions.SectionName));
        services.AddSingleton(Bind<IngestionOptions>(configuration, IngestionOptions.SectionName));
        services.AddSingleton(Bind<SchemaOptions>(configuration, SchemaOptions.SectionName));
        services.AddSingleton(Bind<HttpServerLimits>(configuration, HttpServerLimits.SectionName));
        services.AddOptions<KestrelServerOptions>().Configure<HttpServerLimits>((kestrel, limits) => limits.ApplyTo(kestrel.Limits));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(NameInterner.Shared);

        services.AddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(sp.GetRequiredService<DynamoDbOptions>()));
        services.AddSingleton(sp => (DynamoAccountStorage)sp.GetRequiredKeyedService<IGrainStorage>(AccountGrain.StorageName));
        services.AddSingleton<OrleansActivationCounts>();
        services.AddSingleton<PipelineSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineSampler>());
        services.AddSingleton<IPipelineSiloServiceClient, PipelineSiloServiceClient>();
        services.AddSingleton<ClusterPipeline>();
        services.AddSingleton<NamespaceSchemaRegistry>();
        services.AddSingleton<IAccountNamespaceCatalog>(sp => sp.GetRequiredService<NamespaceSchemaRegistry>()); // batched account loads
        services.AddSingleton<INamespaceSchemas, NamespaceSchemasAdapter>();
        services.AddSingleton<AccountDeliveryMetrics>();
        services.AddSingleton<IngestionMetrics>();
        services.AddSingleton<RejectedUpdatesTopic>();
        services.AddSingleton<IRejectedUpdates>(sp => sp.GetRequiredService<RejectedUpdatesTopic>());
        services.AddSingleton<FreshnessSampler>();
        services.AddSingleton<FeatureIngress>();
        services.AddSingleton<IFeatureIngress>(sp => sp.GetRequiredService<FeatureIngress>());

        // The silo's start runs its lifecycle: storage checks the table (ApplicationServices), the schemas load
        // (just after: they live in that table), then the stream provider's agents start pulling (Active). Its stop
        // runs in reverse: the agents stop (committing what was delivered), the grains deactivate (each waiting for
        // its writes), storage runs the final flush.
        services.AddSingleton<StorageReadiness>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageReadiness>());
        services.AddSingleton<SchemaRefresher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SchemaRefresher>());
        services.AddHostedService(sp => sp.GetRequiredService<SchemaRefresher>());
        return services;
    }

    private static T Bind<T>(IConfiguration configuration, string section)
        where T : class, new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        return options;
    }
}
