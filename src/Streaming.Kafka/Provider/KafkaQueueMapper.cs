using Orleans.Runtime;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// One Orleans queue per partition, spread evenly over the consistent ring (so Orleans' ring balancer hands each
/// silo a share). A stream maps to the partition Kafka's default partitioner gives its key (murmur2, like the Java
/// client and librdkafka's <c>murmur2_random</c>), so events produced through the stream API and by external
/// producers keyed the same way land in the same queue.
/// </summary>
public sealed class KafkaQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly QueueId[] _queues;
    private readonly Dictionary<QueueId, int> _partitions;

    public KafkaQueueMapper(string providerName, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        _queues = new QueueId[partitionCount];
        _partitions = new Dictionary<QueueId, int>(partitionCount);
        var portion = (uint)((((long)uint.MaxValue) + 1) / partitionCount);
        for (var partition = 0; partition < partitionCount; partition++)
        {
            var queue = QueueId.GetQueueId(providerName, (uint)partition, (uint)partition * portion);
            _queues[partition] = queue;
            _partitions[queue] = partition;
        }
    }

    public int PartitionCount => _queues.Length;

    public IEnumerable<QueueId> GetAllQueues() => _queues;

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        foreach (var queue in _queues)
        {
            if (range.InRange(queue.GetUniformHashCode()))
            {
                yield return queue;
            }
        }
    }

    public QueueId GetQueueForStream(StreamId streamId) => _queues[PartitionOf(streamId)];

    public int PartitionOf(StreamId streamId) => PartitionOf(streamId.Key.Span);

    /// <summary>The partition of a stream, or of a grain, keyed by these bytes (a string key's UTF-8).</summary>
    public int PartitionOf(ReadOnlySpan<byte> key) => (KafkaPartitioner.Murmur2(key) & 0x7fffffff) % _queues.Length;

    public int PartitionOf(QueueId queue) =>
        _partitions.TryGetValue(queue, out var partition) ? partition : throw new ArgumentOutOfRangeException(nameof(queue), queue, "not a queue of this provider");
}
