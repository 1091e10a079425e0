using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Metadata;
using Orleans.Runtime.Placement;

namespace AccountMetadata.Streaming.Kafka;

public static class KafkaStreamSiloBuilderExtensions
{
    /// <summary>
    /// Adds a persistent stream provider named <paramref name="name"/> over a Kafka topic, with
    /// <typeparamref name="TMapper"/> turning records into events. Orleans' pulling agents read the partitions
    /// (<see cref="KafkaPartitionBalancer"/> spreads them over the silos and moves them when silos come and go);
    /// deliveries that fail are retried without limit instead of skipped, a tenth of a second to 5 s apart
    /// (<see cref="KafkaDeliveryBackoff"/>), and the cache batches a busy consumer's pending containers (so the agent's
    /// own batching stays off). <paramref name="configureStream"/> may change any of it (pub-sub type, balancer, agent
    /// timings).
    /// </summary>
    public static ISiloBuilder AddKafkaStreams<TMapper>(
        this ISiloBuilder builder,
        string name,
        Action<KafkaStreamOptions> configureOptions,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null)
        where TMapper : class, IKafkaMessageMapper
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddOptions<KafkaStreamOptions>(name).Configure(configureOptions);
        builder.Services.AddKeyedSingleton<IKafkaMessageMapper, TMapper>(name);
        builder.Services.AddKeyedSingleton(name, (services, _) => services.GetService<IMeterFactory>() is { } meters
            ? new KafkaStreamStatistics(meters.Create(KafkaStreamStatistics.MeterName), name)
            : new KafkaStreamStatistics());
        builder.Services.AddKeyedSingleton(name, (services, _) => new KafkaStreamDrain(
            name,
            services.GetRequiredKeyedService<KafkaStreamStatistics>(name),
            services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name).DrainTimeout,
            services.GetRequiredService<ILogger<KafkaStreamDrain>>()));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredKeyedService<KafkaStreamDrain>(name));
        builder.Services.AddTransient<IConfigurationValidator>(services =>
            new KafkaStreamOptionsValidator(services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name), name));
        return builder.AddPersistentStreams(name, KafkaQueueAdapterFactory.Create, stream =>
        {
            stream.ConfigurePullingAgent(agent => agent.Configure(options =>
            {
                options.MaxEventDeliveryTime = Timeout.InfiniteTimeSpan; // never skip an event
                options.BatchContainerBatchSize = 1;                      // the cache batches instead, see KafkaQueueCacheCursor
                options.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20); // an idle partition is looked at 50 times a second
                options.StreamInactivityPeriod = TimeSpan.FromMinutes(2); // the agent keeps a record per stream this long
            }));
            stream.ConfigurePartitionBalancing(KafkaPartitionBalancer.Create);
            stream.ConfigureBackoffProvider((services, providerName) =>
            {
                var options = services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(providerName);
                return new KafkaDeliveryBackoff(options.DeliveryRetryMinDelay, options.DeliveryRetryMaxDelay);
            });
            configureStream?.Invoke(stream);
        });
    }

    /// <summary>
    /// Places <typeparamref name="TGrain"/> activations (keyed like the streams of provider
    /// <paramref name="providerName"/>, an implicit subscriber's case) on the silo pulling their key's partition, so
    /// their deliveries stay on one silo (<see cref="KafkaPartitionPlacement"/>).
    /// </summary>
    public static ISiloBuilder PlaceWithKafkaPartition<TGrain>(this ISiloBuilder builder, string providerName)
        where TGrain : Grain
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        builder.Services.AddPlacementDirector<KafkaPartitionPlacement, KafkaPartitionPlacementDirector>();
        builder.Services.AddSingleton<IPlacementStrategyResolver>(services =>
            new KafkaPartitionPlacementResolver(services.GetRequiredService<GrainClassMap>(), typeof(TGrain), providerName));
        return builder;
    }
}
