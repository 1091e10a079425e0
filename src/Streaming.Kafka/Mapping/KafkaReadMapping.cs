using Confluent.Kafka;
using Orleans.Runtime;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Collects what a mapper makes of one read: containers (one per stream, or more when an event must stand alone) and
/// dead letters. Reused from read to read by its receiver.
/// </summary>
public sealed class KafkaReadMapping
{
    private readonly List<KafkaBatchContainer> _containers = [];
    private readonly List<(ConsumeResult<byte[]?, byte[]?> Source, byte[] Value)> _deadLetters = [];

    internal IReadOnlyList<KafkaBatchContainer> Containers => _containers;

    internal IReadOnlyList<(ConsumeResult<byte[]?, byte[]?> Source, byte[] Value)> DeadLetters => _deadLetters;

    /// <summary>
    /// Adds a container of <paramref name="events"/> for <paramref name="streamId"/>, made of
    /// <paramref name="recordCount"/> records, the first at <paramref name="firstOffset"/>. Containers of one stream
    /// must be added in offset order: they are delivered in that order.
    /// </summary>
    public void AddContainer(StreamId streamId, long firstOffset, IReadOnlyList<object> events, int recordCount)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(recordCount);
        _containers.Add(new KafkaBatchContainer(streamId, firstOffset, events) { RecordCount = recordCount });
    }

    /// <summary>
    /// Sets <paramref name="source"/> aside: <paramref name="value"/> (typically the reason and the original) is
    /// produced to the dead-letter topic, keyed like the source, and the source's offset is committed only once the
    /// broker acknowledged it.
    /// </summary>
    public void DeadLetter(ConsumeResult<byte[]?, byte[]?> source, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(value);
        _deadLetters.Add((source, value));
    }

    internal void Clear()
    {
        _containers.Clear();
        _deadLetters.Clear();
    }
}
