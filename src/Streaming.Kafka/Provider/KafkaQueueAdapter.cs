using Confluent.Kafka;
using Orleans.Runtime;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Produces events written through the Orleans stream API (one record per event, keyed by the stream's key, on the
/// partition the queue mapper gives the stream) and creates a receiver per partition this silo is given.
/// </summary>
internal sealed class KafkaQueueAdapter(string name, KafkaQueueAdapterFactory factory, IProducer<byte[]?, byte[]> producer) : IQueueAdapter
{
    public string Name { get; } = name;

    /// <summary>
    /// Not rewindable from a token: the cache holds what is not yet delivered, nothing older. Kafka itself is the
    /// rewind: a partition's next owner reads again from the last committed offset.
    /// </summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction => factory.Options.Pull ? StreamProviderDirection.ReadWrite : StreamProviderDirection.WriteOnly;

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => factory.CreateReceiver(queueId);

    /// <summary>
    /// Completes once the broker acknowledged every event (acks as the producer settings say). While the brokers are
    /// known to be down it throws at once (a <see cref="KafkaException"/> with <see cref="Confluent.Kafka.ErrorCode.Local_AllBrokersDown"/>)
    /// rather than wait for each delivery to time out.
    /// </summary>
    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (token is not null)
        {
            throw new ArgumentException("The Kafka stream provider does not accept sequence tokens from producers: Kafka's offsets are the order.", nameof(token));
        }

        if (factory.Circuit.IsOpen)
        {
            factory.Statistics.WriteRefused();
            return Task.FromException(new KafkaException(new Error(Confluent.Kafka.ErrorCode.Local_AllBrokersDown,
                $"no broker has answered for {factory.Circuit.OpenFor.TotalSeconds:0} s: the write is refused without waiting")));
        }

        var partition = new TopicPartition(factory.Options.Topic, factory.QueueMapper.PartitionOf(streamId));
        var key = streamId.Key.ToArray();
        var deliveries = new List<Task>();
        foreach (var item in events)
        {
            var value = factory.Mapper.ToRecordValue(streamId, item!);
            deliveries.Add(ProduceAsync(partition, new Message<byte[]?, byte[]> { Key = key, Value = value }));
        }

        return Task.WhenAll(deliveries);
    }

    /// <summary>One delivery, its outcome told to the circuit.</summary>
    private async Task ProduceAsync(TopicPartition partition, Message<byte[]?, byte[]> message)
    {
        try
        {
            await producer.ProduceAsync(partition, message).ConfigureAwait(false);
            factory.Circuit.Delivered();
        }
        catch (ProduceException<byte[]?, byte[]> failed)
        {
            factory.Circuit.Failed(failed.Error.Code);
            throw;
        }
    }
}
