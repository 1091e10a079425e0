using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Runtime;
using AccountMetadata.Silo.Dashboard;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Silo.Kafka;
using AccountMetadata.Silo.Metrics;
using AccountMetadata.Silo.Runtime;
using AccountMetadata.Silo.Schemas;
using AccountMetadata.Silo.Storage;
using AccountMetadata.Silo.Storage.DynamoDb;
using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AccountMetadata.Silo.Hosting;

/// <summary>The silo's composition root: runtime, grains, storage and their options, wired by hand.</summary>
public static class SiloServiceCollectionExtensions
{
    public static IServiceCollection AddAccountMetadataSilo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(Bind<GrainRuntimeOptions>(configuration, GrainRuntimeOptions.SectionName));
        services.AddSingleton(Bind<DynamoDbOptions>(configuration, DynamoDbOptions.SectionName));
        services.AddSingleton(Bind<WriteBehindOptions>(configuration, WriteBehindOptions.SectionName));
        services.AddSingleton(Bind<KafkaOptions>(configuration, KafkaOptions.SectionName));
        services.AddSingleton(Bind<ApiOptions>(configuration, ApiOptions.SectionName));
        services.AddSingleton(Bind<IngestionOptions>(configuration, IngestionOptions.SectionName));
        services.AddSingleton(Bind<SchemaOptions>(configuration, SchemaOptions.SectionName));
        services.AddSingleton(Bind<HttpServerLimits>(configuration, HttpServerLimits.SectionName));
        services.AddOptions<KestrelServerOptions>().Configure<HttpServerLimits>((kestrel, limits) => limits.ApplyTo(kestrel.Limits));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(NameInterner.Shared);

        services.AddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(sp.GetRequiredService<DynamoDbOptions>()));
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton<DynamoAccountStorage>();
        services.AddSingleton<IGrainStorage<AccountState>>(sp => sp.GetRequiredService<DynamoAccountStorage>());

        services.AddSingleton(GrainTypeRegistration.For<IAccountGrain, AccountGrain>(
            AccountGrainMethods.All,
            static (key, invoker) => new AccountGrainReference(key, invoker),
            static (context, sp) => new AccountGrain(
                context,
                new PersistentState<AccountState>(context, sp.GetRequiredService<IGrainStorage<AccountState>>()),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<NameInterner>(),
                sp.GetRequiredService<IAccountOwnership>())));
        services.AddSingleton(sp => new GrainRuntime(
            sp.GetServices<GrainTypeRegistration>(), sp.GetRequiredService<GrainRuntimeOptions>(), sp));
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<HttpMetrics>();
        services.AddSingleton<DashboardSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<DashboardSampler>());
        services.AddSingleton<NamespaceSchemaRegistry>();
        services.AddSingleton<INamespaceSchemas, NamespaceSchemasAdapter>();
        services.AddSingleton<IngestionMetrics>();
        services.AddSingleton<PartitionOwnership>();
        services.AddSingleton<IAccountOwnership>(sp => sp.GetRequiredService<IngestionOptions>().Enabled
            ? sp.GetRequiredService<PartitionOwnership>()
            : SingleSiloOwnership.Instance);
        services.AddSingleton<FeatureIngress>();
        services.AddSingleton<IFeatureIngress>(sp => sp.GetRequiredService<FeatureIngress>());

        // Hosted services start in this order and stop in reverse: the table exists before schemas load, schemas
        // load before ingestion starts; ingestion stops first (committing what is durable), then grains deactivate
        // (waiting for their writes), then the flusher's final flush runs.
        services.AddSingleton<StorageReadiness>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageReadiness>());
        services.AddSingleton<WriteBehindFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<WriteBehindFlusher>());
        services.AddSingleton<ActivationCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<ActivationCollector>());
        services.AddHostedService<GrainRuntimeLifecycle>();
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
