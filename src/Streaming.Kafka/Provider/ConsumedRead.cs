namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// One read of a partition on its way to a commit: the offset after its last record, and how many of its parts
/// (containers to deliver, dead letters to acknowledge) are still outstanding. Its offset may be committed once
/// nothing of it nor of any earlier read is outstanding.
/// </summary>
internal sealed class ConsumedRead(long nextOffset, int records)
{
    /// <summary>Starts at one: the receiver's own hold, released once every part has been counted in.</summary>
    private int _outstanding = 1;

    public long NextOffset { get; } = nextOffset;

    public int Records { get; } = records;

    public bool IsDone => Volatile.Read(ref _outstanding) == 0;

    public void AddPart() => Interlocked.Increment(ref _outstanding);

    /// <summary>A container delivered, a dead letter acknowledged, or the receiver's hold released.</summary>
    public void PartDone() => Interlocked.Decrement(ref _outstanding);
}
