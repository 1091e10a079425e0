using AccountMetadata.Silo.Kafka;
using Confluent.Kafka;

namespace AccountMetadata.Testing;

/// <summary>
/// A consumer group's committed offsets against the ends of a topic's partitions, in all and per partition: a wait
/// that fails names the partitions behind, which tells a stuck partition from a slow pipeline.
/// </summary>
public sealed record CommitLag(long Committed, long End, IReadOnlyList<(int Partition, long Committed, long End)> Partitions)
{
    public static CommitLag Of(string topic, string group, int partitions)
    {
        var config = KafkaClientConfigs.Consumer(StackEndpoints.Current.KafkaOptions(), group);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var tps = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        var committed = consumer.Committed(tps, TimeSpan.FromSeconds(10)).ToDictionary(o => o.Partition.Value, o => o.Offset.IsSpecial ? 0 : o.Offset.Value);
        var each = tps.Select(tp => (
            Partition: tp.Partition.Value,
            Committed: committed.GetValueOrDefault(tp.Partition.Value),
            End: consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value)).ToList();
        return new CommitLag(each.Sum(p => p.Committed), each.Sum(p => p.End), each);
    }

    public override string ToString()
    {
        var behind = Partitions.Where(p => p.Committed < p.End).Select(p => $"{p.Partition}: {p.Committed} of {p.End}");
        return $"committed {Committed} of {End}; partitions behind: {string.Join(", ", behind)}";
    }
}
