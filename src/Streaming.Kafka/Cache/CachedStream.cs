using Orleans.Runtime;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// One stream's containers in a partition cache, in offset order, and the cursors reading them. Indexes are absolute
/// (they keep counting as containers leave the front), so a cursor's position survives releases.
/// </summary>
internal sealed class CachedStream(StreamId id)
{
    private readonly List<KafkaBatchContainer> _containers = [];
    private readonly List<KafkaQueueCacheCursor> _cursors = [];

    public StreamId Id { get; } = id;

    /// <summary>Absolute index of the oldest container still held.</summary>
    public long Head { get; private set; }

    /// <summary>Absolute index one past the newest container.</summary>
    public long End => Head + _containers.Count;

    public bool IsIdle => _containers.Count == 0 && _cursors.Count == 0;

    /// <summary>Deliveries that returned and wait for the next confirmation (delivered container, its parts).</summary>
    public List<(KafkaBatchContainer Delivered, KafkaBatchContainer[] Parts)> Unconfirmed { get; } = [];

    /// <summary>Whether a confirmation for this stream is running (one at a time).</summary>
    public bool Confirming { get; set; }

    public KafkaBatchContainer At(long index) => _containers[(int)(index - Head)];

    public void Add(KafkaBatchContainer container) => _containers.Add(container);

    public void AddCursor(KafkaQueueCacheCursor cursor) => _cursors.Add(cursor);

    public void RemoveCursor(KafkaQueueCacheCursor cursor) => _cursors.Remove(cursor);

    /// <summary>
    /// Moves out the delivered containers no cursor still stands on or before, oldest first, stopping at the first one
    /// not delivered: what a consumer has not finished is never released, so never committed.
    /// </summary>
    public void Release(ref List<IBatchContainer>? released)
    {
        var limit = long.MaxValue;
        foreach (var cursor in _cursors)
        {
            limit = Math.Min(limit, cursor.Position);
        }

        var count = 0;
        while (count < _containers.Count && Head + count < limit && _containers[count].Delivered)
        {
            (released ??= []).Add(_containers[count]);
            count++;
        }

        if (count > 0)
        {
            _containers.RemoveRange(0, count);
            Head += count;
        }
    }
}
