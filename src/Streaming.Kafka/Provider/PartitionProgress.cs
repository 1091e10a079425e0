namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// A partition's reads in order, from consumed to committable. Read and advanced on the pulling agent's turn;
/// parts complete from any thread (dead-letter acknowledgements arrive on librdkafka's).
/// </summary>
internal sealed class PartitionProgress(KafkaStreamStatistics statistics)
{
    private readonly Queue<ConsumedRead> _reads = new();

    /// <summary>The offset to commit: everything before it is delivered (or set aside). -1 before the first read completes.</summary>
    public long CommittableOffset { get; private set; } = -1;

    /// <summary>Records read and not yet committable: what a crash now would make the next owner replay.</summary>
    public long UncommittedRecords { get; private set; }

    /// <summary>The offset of the oldest record still waiting, or null when none is.</summary>
    public long? OldestWaitingOffset => _reads.Count == 0 ? null : _reads.Peek().NextOffset - _reads.Peek().Records;

    public ConsumedRead Begin(long nextOffset, int records)
    {
        var read = new ConsumedRead(nextOffset, records);
        _reads.Enqueue(read);
        UncommittedRecords += records;
        statistics.AddUncommitted(records);
        return read;
    }

    /// <summary>Moves <see cref="CommittableOffset"/> past every read that is done, in order.</summary>
    public long Advance()
    {
        while (_reads.Count > 0 && _reads.Peek().IsDone)
        {
            var read = _reads.Dequeue();
            CommittableOffset = read.NextOffset;
            UncommittedRecords -= read.Records;
            statistics.AddUncommitted(-read.Records);
        }

        return CommittableOffset;
    }

    /// <summary>The partition leaves this silo: what was not committed is its next owner's to read again.</summary>
    public void Abandon()
    {
        statistics.AddUncommitted(-UncommittedRecords);
        UncommittedRecords = 0;
        _reads.Clear();
    }
}
