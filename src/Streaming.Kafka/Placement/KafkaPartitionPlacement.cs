using Orleans.Runtime;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Places a grain on the silo that pulls the Kafka partition its key maps to (the partition of the stream of the same
/// key, <see cref="KafkaQueueMapper"/>), so that stream deliveries to an implicit subscriber stay on that silo instead
/// of crossing the network. A grain placed while the cluster changes may land elsewhere and stays there until it is
/// collected; nothing depends on where it is, only the cost of a delivery does. Chosen per grain class with
/// <see cref="KafkaStreamSiloBuilderExtensions.PlaceWithKafkaPartition{TGrain}"/>.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class KafkaPartitionPlacement : PlacementStrategy
{
    /// <summary>The stream provider whose partitions decide.</summary>
    [Id(0)]
    public string ProviderName { get; init; } = "";
}
