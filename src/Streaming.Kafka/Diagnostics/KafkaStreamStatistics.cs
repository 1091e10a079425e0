using System.Collections.Concurrent;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// What one provider's receivers on this silo did, for dashboards and metrics (a keyed singleton under the provider's
/// name). Counters only grow; partitions appear while this silo pulls them.
/// </summary>
public sealed class KafkaStreamStatistics
{
    private long _recordsRead;
    private long _deadLetters;
    private long _commits;
    private long _commitFailures;
    private long _deliveryFailures;
    private long _reads;
    private long _uncommitted;
    private long _confirmationRetries;

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
}
