using Confluent.Kafka;
using Orleans.Runtime;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// What an application plugs into the provider (registered as a keyed service under the provider's name): how the
/// records of one read become stream events, and how an event produced through the stream API becomes a record.
/// The provider owns everything else: reading, caching, delivery, offsets, dead-letter delivery.
/// </summary>
public interface IKafkaMessageMapper
{
    /// <summary>
    /// Turns one read of a partition (records in offset order) into batch containers and dead letters. Every record
    /// must end up in exactly one of them. Grouping a stream's records into one container per read is the point:
    /// one delivery, one grain turn, one storage write for many records. Runs on the pulling agent: no blocking.
    /// </summary>
    void Map(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records, KafkaReadMapping mapping);

    /// <summary>The record value for an event produced through the stream API (the key is the stream's key).</summary>
    byte[] ToRecordValue(StreamId streamId, object streamEvent);
}
