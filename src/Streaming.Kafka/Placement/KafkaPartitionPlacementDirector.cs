using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Decides <see cref="KafkaPartitionPlacement"/>: the grain key's partition (murmur2, as the queue mapper maps the stream
/// of that key), then the silo <see cref="KafkaPartitionBalancer"/> gives that partition. Both sides compute from the
/// silos in address order, so every silo places an account where its records are pulled, without asking anyone.
/// </summary>
internal sealed class KafkaPartitionPlacementDirector(IServiceProvider services) : IPlacementDirector
{
    private readonly ConcurrentDictionary<string, KafkaQueueMapper> _mappers = new(StringComparer.Ordinal);

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return Task.FromResult(hint);
        }

        var provider = ((KafkaPartitionPlacement)strategy).ProviderName;
        var mapper = _mappers.GetOrAdd(provider, MapperOf);
        var partition = mapper.PartitionOf(target.GrainIdentity.Key.AsSpan());
        var ordered = silos.Order().ToArray();
        return Task.FromResult(ordered[KafkaPartitionBalancer.SiloIndexOf(partition, ordered.Length)]);
    }

    private KafkaQueueMapper MapperOf(string provider) =>
        services.GetRequiredKeyedService<IQueueAdapterFactory>(provider).GetStreamQueueMapper() as KafkaQueueMapper
        ?? throw new InvalidOperationException($"Stream provider '{provider}' is not a Kafka stream provider: {nameof(KafkaPartitionPlacement)} needs one.");
}
