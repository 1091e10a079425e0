using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Kafka;
using AccountMetadata.Silo.Schemas;
using Confluent.Kafka;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// The HTTP write path's entrance: validates exactly as the consumer will (parser + schemas), then produces to the
/// ingest topic with acks=all and the Java-compatible partitioner, keyed by account id.
/// </summary>
public sealed class FeatureIngress(KafkaOptions kafka, NamespaceSchemaRegistry schemas, NameInterner names, TimeProvider time) : IFeatureIngress, IDisposable
{
    private int _disposed;
    private readonly Lazy<IProducer<string, byte[]>> _producer = new(() => new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(kafka, kafka.HttpWriteTimeout)).Build());

    public FeatureItemError? Validate(ReadOnlySpan<byte> message, out string? accountId)
    {
        accountId = null;
        if (!FeatureMessageParser.TryParse(message, names, FeatureMessageParser.LatestTimestamp(time.GetUtcNow()), out var parsed, out var failure))
        {
            return new FeatureItemError(DeadLetterReasons.Name(failure.Reason), failure.Detail);
        }

        if (parsed.Kind == FeatureMessageKind.Erase)
        {
            return new FeatureItemError("unsupported_op", "erase commands are sent with DELETE /accounts/{id}");
        }

        if (schemas.Check(parsed) is { } refused)
        {
            return new FeatureItemError(DeadLetterReasons.Name(refused.Reason), refused.Detail);
        }

        accountId = parsed.AccountId;
        return null;
    }

    public async Task PublishAsync(IReadOnlyList<(string AccountId, byte[] Message)> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var producer = _producer.Value;
        var deliveries = new Task[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            deliveries[i] = producer.ProduceAsync(kafka.IngestTopic, new Message<string, byte[]> { Key = messages[i].AccountId, Value = messages[i].Message }, cancellationToken);
        }

        await Task.WhenAll(deliveries).ConfigureAwait(false);
    }

    public Task PublishEraseAsync(string accountId, CancellationToken cancellationToken) =>
        _producer.Value.ProduceAsync(
            kafka.IngestTopic,
            new Message<string, byte[]> { Key = accountId, Value = EraseCommand.Create(accountId) },
            cancellationToken);

    /// <summary>Idempotent: the container disposes it once per service it is registered as.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _producer.IsValueCreated)
        {
            _producer.Value.Flush(kafka.HttpWriteTimeout); // each write waited at most this for its ack anyway
            _producer.Value.Dispose();
        }
    }
}
