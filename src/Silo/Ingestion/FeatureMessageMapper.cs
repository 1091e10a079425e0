using AccountMetadata.Grains;
using AccountMetadata.Silo.Schemas;
using AccountMetadata.Streaming.Kafka;
using Confluent.Kafka;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// The feature store's records as account stream events: each record parsed (Utf8JsonReader) and checked against its
/// namespace's schema; what fails goes to the dead-letter topic with the reason. The rest is grouped by account, in
/// offset order, one container per account per read (an erase ends a run of updates and starts the next), so one
/// delivery and one item write carry all of an account's updates in the read.
/// </summary>
public sealed class FeatureMessageMapper(
    NamespaceSchemaRegistry schemas, NameInterner names, IngestionMetrics metrics, TimeProvider time) : IKafkaMessageMapper
{
    public void Map(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records, KafkaReadMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(mapping);
        var now = time.GetUtcNow();
        var latestTimestamp = FeatureMessageParser.LatestTimestamp(now);
        var accounts = new Dictionary<string, AccountRecords>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (Parse(record, latestTimestamp) is not { } message)
            {
                continue;
            }

            if (!accounts.TryGetValue(message.AccountId, out var account))
            {
                accounts[message.AccountId] = account = new AccountRecords(record.Offset.Value);
            }

            var origin = new RecordOrigin(record.Partition.Value, record.Offset.Value);
            if (message.Kind == FeatureMessageKind.Erase)
            {
                account.AddErase(origin);
            }
            else
            {
                account.AddUpdate(message.ToUpdate(), origin);
            }
        }

        foreach (var (accountId, account) in accounts)
        {
            mapping.AddContainer(AccountStreamIds.For(accountId), account.FirstOffset, account.Events(), account.Records);
        }

        metrics.Consumed.Add(records.Count);
        if (metrics.FirstMessageAtUnixMs == 0)
        {
            metrics.FirstMessageAtUnixMs = now.ToUnixTimeMilliseconds();
        }

        FeatureMessage? Parse(ConsumeResult<byte[]?, byte[]?> record, long latest)
        {
            var value = record.Message.Value;
            ParseOutcome refused;
            if (value is null || value.Length == 0)
            {
                refused = new ParseOutcome(DeadLetterReason.NotJson, "the message has no value");
            }
            else if (!FeatureMessageParser.TryParse(value, names, latest, out var message, out var failure))
            {
                refused = failure;
            }
            else if (schemas.Check(message) is { } invalid)
            {
                refused = invalid;
            }
            else
            {
                return message;
            }

            metrics.SetAside(now, refused.Reason, refused.Detail, record.Partition.Value, record.Offset.Value, value);
            mapping.DeadLetter(record, DeadLetterEnvelope.Create(
                refused.Reason, refused.Detail, record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, value, now));
            return null;
        }
    }

    /// <summary>Records produced through the stream API: the ingest topic's JSON, already validated by the caller.</summary>
    public byte[] ToRecordValue(Orleans.Runtime.StreamId streamId, object streamEvent) =>
        streamEvent as byte[] ?? throw new NotSupportedException($"The account streams carry the ingest topic's JSON (byte[]), not {streamEvent?.GetType().Name}.");

    /// <summary>One account's share of a read, as stream events in order.</summary>
    private sealed class AccountRecords(long firstOffset)
    {
        private readonly List<AccountStreamEvent> _events = [];
        private List<FeatureUpdate>? _updates;
        private List<RecordOrigin>? _origins;

        public long FirstOffset { get; } = firstOffset;

        public int Records { get; private set; }

        public void AddUpdate(FeatureUpdate update, RecordOrigin origin)
        {
            (_updates ??= []).Add(update);
            (_origins ??= []).Add(origin);
            Records++;
        }

        public void AddErase(RecordOrigin origin)
        {
            EndRun();
            _events.Add(new AccountEraseRequested(origin));
            Records++;
        }

        public List<AccountStreamEvent> Events()
        {
            EndRun();
            return _events;
        }

        private void EndRun()
        {
            if (_updates is { Count: > 0 })
            {
                _events.Add(new FeaturesPublished([.. _updates], [.. _origins!]));
                _updates.Clear();
                _origins!.Clear();
            }
        }
    }
}
