using Confluent.Kafka;
using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Schemas;
using Orleans.Streams;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// The HTTP write path's entrance: validates exactly as the stream provider's mapper will (parser + schemas), then
/// writes to the account's stream: the Kafka stream provider produces the same JSON to the ingest topic (acks=all,
/// keyed by account id, on the partition Kafka's partitioner gives it) and completes once the broker acknowledged.
/// </summary>
public sealed class FeatureIngress(IClusterClient cluster, NamespaceSchemaRegistry schemas, NameInterner names, FreshnessSampler freshness, TimeProvider time)
    : IFeatureIngress
{
    private IStreamProvider Streams => field ??= cluster.GetStreamProvider(AccountStreams.ProviderName);

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

    public Task PublishAsync(IReadOnlyList<(string AccountId, byte[] Message)> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return BrokerOutagesAsUnavailable(() =>
        {
            var deliveries = new Task[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                deliveries[i] = StreamOf(messages[i].AccountId).OnNextAsync(messages[i].Message);
            }

            return AcknowledgedAsync(Task.WhenAll(deliveries).WaitAsync(cancellationToken), messages);
        });
    }

    private async Task AcknowledgedAsync(Task produced, IReadOnlyList<(string AccountId, byte[] Message)> messages)
    {
        await produced.ConfigureAwait(false);
        if (messages.Count > 0)
        {
            freshness.Acknowledged(messages[^1].Message, time.GetTimestamp());
        }
    }

    public Task PublishEraseAsync(string accountId, CancellationToken cancellationToken) =>
        BrokerOutagesAsUnavailable(() => StreamOf(accountId).OnNextAsync(EraseCommand.Create(accountId)).WaitAsync(cancellationToken));

    /// <summary>A broker that refused or did not acknowledge, at once or later: the API's 503, not an unexpected failure.</summary>
    private static async Task BrokerOutagesAsUnavailable(Func<Task> produce)
    {
        try
        {
            await produce().ConfigureAwait(false);
        }
        catch (KafkaException kafka)
        {
            throw new IngestUnavailableException($"{kafka.Error.Code}: {kafka.Error.Reason}", kafka);
        }
    }

    private IAsyncStream<byte[]> StreamOf(string accountId) => Streams.GetStream<byte[]>(AccountStreamIds.For(accountId));
}
