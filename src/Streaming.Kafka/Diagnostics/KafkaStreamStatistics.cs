using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// What one provider's receivers on this silo did, for dashboards and metrics (a keyed singleton under the provider's
/// name). Counters only grow; partitions appear while this silo pulls them. Given a meter, the figures are also
/// OpenTelemetry instruments of <see cref="MeterName"/>, tagged <c>provider</c>, read only when collected.
/// </summary>
public sealed class KafkaStreamStatistics
{
    public const string MeterName = "AccountMetadata.Streaming.Kafka";

    private long _recordsRead;
    private long _deadLetters;
    private long _commits;
    private long _commitFailures;
    private long _deliveryFailures;
    private long _reads;
    private long _uncommitted;
    private long _confirmationRetries;
    private long _produceRefused;

    public KafkaStreamStatistics()
    {
    }

    public KafkaStreamStatistics(Meter meter, string providerName)
    {
        ArgumentNullException.ThrowIfNull(meter);
        var provider = new KeyValuePair<string, object?>("provider", providerName);
        meter.CreateObservableCounter("kafka.stream.records_read", () => new Measurement<long>(RecordsRead, provider), "{record}", "Records read from the partitions this silo pulls.");
        meter.CreateObservableCounter("kafka.stream.reads", () => new Measurement<long>(Reads, provider), "{read}", "Reads of a partition that returned records.");
        meter.CreateObservableCounter("kafka.stream.dead_letters", () => new Measurement<long>(DeadLetters, provider), "{record}", "Records set aside on the dead-letter topic (acknowledged by the broker).");
        meter.CreateObservableCounter("kafka.stream.commits", () => new Measurement<long>(Commits, provider), "{commit}", "Offset commits.");
        meter.CreateObservableCounter("kafka.stream.commit_failures", () => new Measurement<long>(CommitFailures, provider), "{commit}", "Offset commits that failed (the next one retries).");
        meter.CreateObservableCounter("kafka.stream.delivery_failures", () => new Measurement<long>(DeliveryFailures, provider), "{delivery}", "Deliveries the pulling agent gave up on (handed out again, never skipped).");
        meter.CreateObservableCounter("kafka.stream.confirmation_retries", () => new Measurement<long>(ConfirmationRetries, provider), "{confirmation}", "Delivery confirmations that failed and were tried again.");
        meter.CreateObservableCounter("kafka.stream.writes_refused", () => new Measurement<long>(WritesRefused, provider), "{write}", "Writes refused at once because the brokers were known to be down.");
        meter.CreateObservableGauge("kafka.stream.uncommitted", () => new Measurement<long>(UncommittedRecords, provider), "{record}", "Records read and not yet committable (what a crash would replay).");
        meter.CreateObservableGauge("kafka.stream.partition.lag", () => PerPartition(provider, p => p.Lag), "{record}", "Records between the position and the partition's end, per partition this silo pulls.");
        meter.CreateObservableGauge("kafka.stream.partition.committed_offset", () => PerPartition(provider, p => p.CommittedOffset), "{offset}", "Last committed offset per partition (-1: none yet).");
        meter.CreateObservableGauge("kafka.stream.partition.uncommitted", () => PerPartition(provider, p => p.UncommittedRecords), "{record}", "Records read per partition and not yet committable.");
        meter.CreateObservableGauge("kafka.stream.partition.paused", () => PerPartition(provider, p => p.IsPaused ? 1 : 0), "{partition}", "1 while reading the partition is paused (backpressure).");
    }

    public ConcurrentDictionary<int, KafkaPartitionStatus> Partitions { get; } = new();

    public long RecordsRead => Volatile.Read(ref _recordsRead);

    /// <summary>
    /// Records read by this silo and not yet committable, over all its partitions: bounded by
    /// <see cref="KafkaStreamOptions.MaxUncommittedMessages"/> (memory, and what a crash replays).
    /// </summary>
    public long UncommittedRecords => Volatile.Read(ref _uncommitted);

    /// <summary>Reads that returned records: each is one mapper call and one container per stream in it.</summary>
    public long Reads => Volatile.Read(ref _reads);

    /// <summary>Dead letters acknowledged by the broker.</summary>
    public long DeadLetters => Volatile.Read(ref _deadLetters);

    public long Commits => Volatile.Read(ref _commits);

    public long CommitFailures => Volatile.Read(ref _commitFailures);

    /// <summary>Deliveries the pulling agent gave up on (handed out again, never skipped).</summary>
    public long DeliveryFailures => Volatile.Read(ref _deliveryFailures);

    internal void Read(int records)
    {
        Interlocked.Add(ref _recordsRead, records);
        Interlocked.Increment(ref _reads);
    }

    internal void AddUncommitted(long records) => Interlocked.Add(ref _uncommitted, records);

    /// <summary>
    /// Counts up to <paramref name="wanted"/> records in ahead of a read, without passing <paramref name="max"/>;
    /// returns how many (0: no room). Atomic, so partitions reading at once cannot pass the bound together. The
    /// caller gives the reservation back (<see cref="AddUncommitted"/> with its negation) once the read is counted.
    /// </summary>
    internal int ReserveUncommitted(int wanted, long max)
    {
        while (true)
        {
            var current = Volatile.Read(ref _uncommitted);
            var take = (int)Math.Min(wanted, max - current);
            if (take <= 0)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref _uncommitted, current + take, current) == current)
            {
                return take;
            }
        }
    }

    internal void DeadLettered() => Interlocked.Increment(ref _deadLetters);

    internal void Committed() => Interlocked.Increment(ref _commits);

    internal void CommitFailed() => Interlocked.Increment(ref _commitFailures);

    internal void DeliveryFailed() => Interlocked.Increment(ref _deliveryFailures);

    /// <summary>Delivery confirmations that failed and were tried again.</summary>
    public long ConfirmationRetries => Volatile.Read(ref _confirmationRetries);

    internal void ConfirmationRetried() => Interlocked.Increment(ref _confirmationRetries);

    /// <summary>Writes refused without trying, the brokers being known to be down (<see cref="KafkaBrokerCircuit"/>).</summary>
    public long WritesRefused => Volatile.Read(ref _produceRefused);

    internal void WriteRefused() => Interlocked.Increment(ref _produceRefused);

    private IEnumerable<Measurement<long>> PerPartition(KeyValuePair<string, object?> provider, Func<KafkaPartitionStatus, long> figure) =>
        Partitions.Values.Select(p => new Measurement<long>(figure(p), provider, new KeyValuePair<string, object?>("partition", p.Partition)));
}
