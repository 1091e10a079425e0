using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Dashboard;
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
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<HttpMetrics>();
        services.AddSingleton<DashboardSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<DashboardSampler>());
        services.AddSingleton<NamespaceSchemaRegistry>();
        services.AddSingleton<INamespaceSchemas, NamespaceSchemasAdapter>();
        services.AddSingleton<IngestionMetrics>();
        services.AddSingleton<FeatureIngress>();
        services.AddSingleton<IFeatureIngress>(sp => sp.GetRequiredService<FeatureIngress>());

        // Hosted services start in this order, after the Orleans silo (registered before them, see Program), and
        // stop in reverse: the silo's storage has checked the table before schemas load, schemas load before
        // ingestion starts; ingestion stops first (committing what is durable), then the silo deactivates the grains
        // (each waiting for its writes) and its storage runs the final flush.
        services.AddSingleton<StorageReadiness>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageReadiness>());
        services.AddSingleton<SchemaRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<SchemaRefresher>());
        services.AddSingleton<KafkaIngestionService>();
        services.AddHostedService(sp => sp.GetRequiredService<KafkaIngestionService>());
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
