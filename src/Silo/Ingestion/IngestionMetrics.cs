using System.Diagnostics.Metrics;
using AccountMetadata.Diagnostics;
using AccountMetadata.Grains;
using AccountMetadata.Streaming.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// What ingestion did on this silo, gathered in one place for the dashboard and /metrics: records read and set aside
/// (the mapper), what the account grains living here did with their deliveries, and the partitions this silo pulls
/// (the stream provider). A grain may live on another silo than the partition it is fed from. Published as
/// OpenTelemetry instruments of <see cref="MeterName"/> (the provider's own figures are on its meter).
/// </summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "AccountMetadata.Ingestion";

    private readonly StripedCounter[] _deadLettered = DeadLetterReasons.All.Select(_ => new StripedCounter()).ToArray();
    private readonly AccountDeliveryMetrics grains;
    private readonly Histogram<double> _freshness;
    private readonly KafkaStreamStatistics kafka;

    public IngestionMetrics(AccountDeliveryMetrics grains, [FromKeyedServices(AccountStreams.ProviderName)] KafkaStreamStatistics kafka, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.grains = grains;
        this.kafka = kafka;
        var meter = meters.Create(MeterName);
        meter.Counter("ingest.consumed", "{message}", "Messages consumed from the ingest topic.", Consumed);
        meter.Counter("ingest.applied", "{feature}", "Features applied by the account grains of this silo.", Applied);
        meter.Counter("ingest.ignored_older", "{feature}", "Features ignored because the stored one is newer.", IgnoredAsOlder);
        meter.Counter("ingest.replayed", "{feature}", "Features applied that were already stored (redelivery after a crash or rebalance).", Replayed);
        meter.Counter("ingest.erased", "{account}", "Erase commands applied.", Erased);
        meter.Counter("ingest.deliveries", "{delivery}", "Stream deliveries to the account grains of this silo (one grain turn each).", Deliveries);
        meter.Counter("ingest.redelivered", "{delivery}", "Deliveries applied again: the activation that applied them was gone before they were durable.", Redelivered);
        meter.CreateObservableCounter("ingest.dead_lettered", () => DeadLetterReasons.All.Select(reason =>
            new Measurement<long>(DeadLettered(reason).Value, new KeyValuePair<string, object?>("reason", DeadLetterReasons.Name(reason)))),
            "{message}", "Messages sent to the dead-letter topic, by reason.");
        meter.Gauge("ingest.first_message_unix_ms", unit: null, "When this silo consumed its first message (Unix time; 0: not yet).", () => FirstMessageAtUnixMs);
        meter.Gauge("ingest.last_delivery_applied_timestamp", "s", "When an account grain of this silo last applied a delivery (Unix time; 0: not yet).",
            () => grains.LastDeliveryAppliedAtUnixMs / 1000.0);
        _freshness = meter.CreateHistogram("ingest.freshness", "s", "Broker acknowledgement of an API write to the first read that answers it (sampled).",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30, 60] });
        meter.Counter("ingest.freshness_missed", "{sample}", "Freshness samples not readable within a minute.", FreshnessMissed);
        meter.Gauge("ingest.paused", "{silo}", "1 while backpressure pauses this silo's partitions.", () => IsPaused ? 1 : 0);
    }

    /// <summary>Records read from the partitions this silo pulls.</summary>
    public StripedCounter Consumed { get; } = new();

    public StripedCounter Applied => grains.Applied;

    public StripedCounter IgnoredAsOlder => grains.IgnoredAsOlder;

    /// <summary>Of <see cref="Applied"/>, features already stored (delivered again after a crash or a partition move).</summary>
    public StripedCounter Replayed => grains.Replayed;

    public StripedCounter Erased => grains.Erased;

    /// <summary>Deliveries applied again: the activation that applied them was gone before they were durable.</summary>
    public StripedCounter Redelivered => grains.Redeliveries;

    /// <summary>Grain deliveries (each one grain turn and, usually, one item write per namespace touched).</summary>
    public StripedCounter Deliveries => grains.Deliveries;

    /// <summary>Reads of a partition that returned records (one container per account each).</summary>
    public long Reads => kafka.Reads;

    public long Commits => kafka.Commits;

    public long CommitFailures => kafka.CommitFailures;

    /// <summary>Per partition this silo pulls: lag, position, last commit, pause reason.</summary>
    public IReadOnlyDictionary<int, KafkaPartitionStatus> Partitions => kafka.Partitions;

    /// <summary>When the first record was read (Unix ms; 0 before): where ingest throughput is measured from.</summary>
    public long FirstMessageAtUnixMs { get; internal set; }

    public bool IsPaused => PauseReason is not null;

    /// <summary>Why reading is paused (the first paused partition's reason), or null.</summary>
    public string? PauseReason => kafka.Partitions.Values.Select(p => p.PauseReason).FirstOrDefault(reason => reason is not null);

    public StripedCounter DeadLettered(DeadLetterReason reason) => _deadLettered[(int)reason];

    /// <summary>Broker acknowledgement to readable, for the sampled API writes (<see cref="FreshnessSampler"/>).</summary>
    public LatencyHistogram Freshness { get; } = new();

    public StripedCounter FreshnessMissed { get; } = new();

    public void FreshnessMeasured(TimeSpan elapsed)
    {
        Freshness.RecordMicroseconds((long)elapsed.TotalMicroseconds);
        _freshness.Record(elapsed.TotalSeconds);
    }

    /// <summary>The last dead letters set aside here, newest first.</summary>
    public RecentDeadLetters RecentDeadLetters { get; } = new();

    /// <summary>Counts a dead letter under its reason and keeps it among the recent ones.</summary>
    public void SetAside(DateTimeOffset at, DeadLetterReason reason, string detail, int partition, long offset, byte[]? value)
    {
        DeadLettered(reason).Increment();
        RecentDeadLetters.Add(at, reason, detail, partition, offset, value);
    }

    public long DeadLetteredTotal => _deadLettered.Sum(c => c.Value);
}
