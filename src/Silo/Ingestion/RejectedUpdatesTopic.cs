using System.Text;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Kafka;
using Confluent.Kafka;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// Sets aside on the dead-letter topic the updates account grains refuse, in the envelope the stream provider uses
/// for records it cannot parse. The original is written back in the ingest topic's shape (the grain has the parsed
/// update, not the record's bytes); the source partition and offset point at the record itself.
/// </summary>
public sealed class RejectedUpdatesTopic(KafkaOptions kafka, IngestionMetrics metrics, TimeProvider time) : IRejectedUpdates, IDisposable
{
    private readonly Lazy<IProducer<byte[]?, byte[]>> _producer = new(() => new ProducerBuilder<byte[]?, byte[]>(KafkaClientConfigs.Producer(kafka)).Build());
    private int _disposed;

    public async Task SetAsideAsync(string accountId, FeatureUpdate update, RecordOrigin origin, RejectedUpdate rejection)
    {
        var reason = DeadLetterReasons.From(rejection.Reason);
        var key = Encoding.UTF8.GetBytes(accountId);
        var original = FeatureMessageJson.Create(accountId, update);
        var at = time.GetUtcNow();
        var envelope = DeadLetterEnvelope.Create(reason, rejection.Detail, kafka.IngestTopic, origin.Partition, origin.Offset, key, original, at);
        await _producer.Value.ProduceAsync(kafka.DeadLetterTopic, new Message<byte[]?, byte[]> { Key = key, Value = envelope }).ConfigureAwait(false);
        metrics.SetAside(at, reason, rejection.Detail, origin.Partition, origin.Offset, original);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(10));
            _producer.Value.Dispose();
        }
    }
}
