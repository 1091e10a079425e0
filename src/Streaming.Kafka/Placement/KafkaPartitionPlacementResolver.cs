using System.Diagnostics.CodeAnalysis;
using Orleans.Metadata;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Gives one grain class <see cref="KafkaPartitionPlacement"/> by configuration rather than by an attribute on the class,
/// so that the grain's assembly need not know the stream provider, and a deployment can turn it on or off.
/// </summary>
internal sealed class KafkaPartitionPlacementResolver(GrainClassMap grainClasses, Type grainClass, string providerName) : IPlacementStrategyResolver
{
    private readonly KafkaPartitionPlacement _strategy = new() { ProviderName = providerName };

    public bool TryResolvePlacementStrategy(GrainType grainType, GrainProperties? properties, [MaybeNullWhen(false)] out PlacementStrategy result)
    {
        result = grainClasses.TryGetGrainClass(grainType, out var type) && type == grainClass ? _strategy : null;
        return result is not null;
    }
}
