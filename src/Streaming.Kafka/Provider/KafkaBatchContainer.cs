using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// One stream's events from one read of a partition (or several such containers delivered together). Immutable:
/// a delivery to a grain on the same silo passes it by reference; one on another silo serializes the events only.
/// The sequence token is the offset of the container's first record.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class KafkaBatchContainer : IBatchContainer
{
    public KafkaBatchContainer(StreamId streamId, long firstOffset, IReadOnlyList<object> events)
    {
        StreamId = streamId;
        Token = new EventSequenceTokenV2(firstOffset);
        Events = events;
    }

    [Id(0)]
    public StreamId StreamId { get; }

    [Id(1)]
    public EventSequenceTokenV2 Token { get; }

    [Id(2)]
    public IReadOnlyList<object> Events { get; }

    public StreamSequenceToken SequenceToken => Token;

    /// <summary>Records this container was made of (where it was read; not serialized).</summary>
    [field: NonSerialized]
    internal int RecordCount { get; init; }

    /// <summary>The read it came from, whose offsets commit once all of it is delivered (where it was read only).</summary>
    [field: NonSerialized]
    internal ConsumedRead? Read { get; set; }

    /// <summary>Set by the cache once a consumer took it and asked for the next one (where it was read only).</summary>
    [field: NonSerialized]
    internal bool Delivered { get; set; }

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create(item, (StreamSequenceToken)Token.CreateSequenceTokenForEvent(i));
            }
        }
    }

    public bool ImportRequestContext() => false;

    /// <summary>Several pending containers of one stream, in order, as one delivery.</summary>
    internal static KafkaBatchContainer Merge(IReadOnlyList<KafkaBatchContainer> parts)
    {
        var count = 0;
        foreach (var part in parts)
        {
            count += part.Events.Count;
        }

        var events = new object[count];
        var next = 0;
        foreach (var part in parts)
        {
            for (var i = 0; i < part.Events.Count; i++)
            {
                events[next++] = part.Events[i];
            }
        }

        return new KafkaBatchContainer(parts[0].StreamId, parts[0].Token.SequenceNumber, events);
    }

    public override string ToString() => $"{nameof(KafkaBatchContainer)}({StreamId}, offset {Token.SequenceNumber}, {Events.Count} events)";
}
