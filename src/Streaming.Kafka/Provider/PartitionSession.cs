namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// The state a partition's cache and receiver share while this silo pulls it: the reads on their way to a commit and
/// why reading is paused. A new one each time the partition comes to this silo.
/// </summary>
internal sealed class PartitionSession(int partition, KafkaStreamStatistics statistics)
{
    public int Partition { get; } = partition;

    public PartitionProgress Progress { get; } = new(statistics);

    /// <summary>Why the cache refused the last read, or null.</summary>
    public string? PauseReason { get; set; }

    /// <summary>The partition's cache, so the receiver can release what was delivered once more before it stops.</summary>
    public KafkaQueueCache? Cache { get; set; }

    /// <summary>Cancelled when the partition leaves this silo: confirmations still retrying give up (uncommitted).</summary>
    public CancellationTokenSource Stopped { get; } = new();
}
