using System.Diagnostics.Metrics;
using AccountMetadata.Grains;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary><see cref="IServiceCollection"/> registration of the write-behind account storage.</summary>
public static class DynamoDbAccountStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the write-behind DynamoDB storage as grain storage <paramref name="name"/> (a keyed
    /// <see cref="IGrainStorage"/> taking part in the silo lifecycle), and the same instance as the keyed
    /// <see cref="IWriteBehindDurability"/> its grains wait on (and <see cref="IAccountLoadCoverage"/>). With an
    /// <see cref="IAccountNamespaceCatalog"/> in the container, accounts load by BatchGetItem over its namespaces. The
    /// DynamoDB client is the container's <see cref="IAmazonDynamoDB"/> when one is registered, otherwise one made from
    /// <see cref="DynamoDbOptions"/>. Its figures are instruments of meter <see cref="StorageMetrics.MeterName"/>, tagged
    /// <c>provider</c> = <paramref name="name"/>.
    /// </summary>
    public static IServiceCollection AddDynamoDbAccountStorage(
        this IServiceCollection services, string name, Action<DynamoDbOptions> configure, Action<WriteBehindOptions>? configureWriteBehind = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        services.AddOptions<DynamoDbOptions>(name).Configure(configure);
        services.AddOptions<WriteBehindOptions>(name).Configure(options => configureWriteBehind?.Invoke(options));
        services.AddTransient<IConfigurationValidator>(sp => new DynamoDbAccountStorageOptionsValidator(
            name,
            sp.GetRequiredService<IOptionsMonitor<DynamoDbOptions>>().Get(name),
            sp.GetRequiredService<IOptionsMonitor<WriteBehindOptions>>().Get(name)));
        services.TryAddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(sp.GetRequiredService<IOptionsMonitor<DynamoDbOptions>>().Get(name)));
        services.TryAddSingleton(NameInterner.Shared);
        services.AddKeyedSingleton<IWriteBehindDurability>(name, (sp, key) => (IWriteBehindDurability)sp.GetRequiredKeyedService<IGrainStorage>(key));
        services.AddKeyedSingleton<IAccountLoadCoverage>(name, (sp, key) => (IAccountLoadCoverage)sp.GetRequiredKeyedService<IGrainStorage>(key));
        return services.AddGrainStorage(name, static (sp, name) =>
        {
            var meters = sp.GetService<IMeterFactory>();
            var storage = new DynamoAccountStorage(
                name,
                sp.GetRequiredService<IAmazonDynamoDB>(),
                sp.GetRequiredService<IOptionsMonitor<DynamoDbOptions>>().Get(name),
                sp.GetRequiredService<IOptionsMonitor<WriteBehindOptions>>().Get(name),
                meters is null ? new StorageMetrics() : new StorageMetrics(meters.Create(StorageMetrics.MeterName), name),
                sp.GetRequiredService<NameInterner>(),
                sp.GetService<IAccountNamespaceCatalog>(),
                sp.GetRequiredService<ILogger<DynamoAccountStorage>>());
            storage.PublishGauges();
            return storage;
        });
    }
}
