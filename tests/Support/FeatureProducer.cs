using System.Globalization;
using System.Text;
using AccountMetadata.Silo.Kafka;
using Confluent.Kafka;

namespace AccountMetadata.Testing;

/// <summary>Produces ingest messages to the local broker as the feature store would: keyed by account, murmur2.</summary>
public sealed class FeatureProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;

    /// <param name="maxMessageBytes">Raise librdkafka's 1 MB default to send oversized messages on purpose.</param>
    /// <param name="localQueueMessages">
    /// Raise librdkafka's local queue (100,000 messages by default) so a producer can hold a whole broker outage
    /// instead of refusing new messages until the broker is back.
    /// </param>
    public FeatureProducer(int? maxMessageBytes = null, int? localQueueMessages = null)
    {
        var config = KafkaClientConfigs.Producer(StackEndpoints.Current.KafkaOptions());
        config.MessageMaxBytes = maxMessageBytes;
        config.QueueBufferingMaxMessages = localQueueMessages;
        _producer = new ProducerBuilder<string, byte[]>(config).Build();
    }

    public static byte[] Feature(string accountId, string ns, string name, string value, long timestamp) => Encoding.UTF8.GetBytes(
        $$"""{"account_id":"{{accountId}}","feature_name":"{{name}}","feature_value":"{{value}}","namespace":"{{ns}}","timestamp":{{timestamp.ToString(CultureInfo.InvariantCulture)}}}""");

    public Task<DeliveryResult<string, byte[]>> SendAsync(string topic, string key, byte[] value) =>
        _producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value });

    /// <summary>
    /// Fire and forget, with a report per message on librdkafka's delivery thread (one thread: reports arrive in
    /// order). Throws <see cref="ProduceException{TKey,TValue}"/> with <see cref="ErrorCode.Local_QueueFull"/> while
    /// the local queue is full, as during a broker outage.
    /// </summary>
    public void Produce(string topic, string key, byte[] value, Action<DeliveryReport<string, byte[]>> onDelivery) =>
        _producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value }, onDelivery);

    /// <summary>To a partition of the caller's choosing, as a producer with another partitioner (kcat's default) would.</summary>
    public Task<DeliveryResult<string, byte[]>> SendToPartitionAsync(string topic, int partition, string key, byte[] value) =>
        _producer.ProduceAsync(new TopicPartition(topic, partition), new Message<string, byte[]> { Key = key, Value = value });

    public Task SendFeatureAsync(string topic, string accountId, string ns, string name, string value, long timestamp) =>
        SendAsync(topic, accountId, Feature(accountId, ns, name, value, timestamp));

    /// <summary>Many messages at once: produced without awaiting each, then flushed and checked.</summary>
    public async Task SendAllAsync(string topic, IEnumerable<(string Key, byte[] Value)> messages)
    {
        var deliveries = messages.Select(m => _producer.ProduceAsync(topic, new Message<string, byte[]> { Key = m.Key, Value = m.Value })).ToList();
        await Task.WhenAll(deliveries);
    }

    /// <summary>Waits until every message sent has its delivery report; returns how many still had none at the end.</summary>
    public int Flush(TimeSpan patience) => _producer.Flush(patience);

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
