namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// One consumed batch on its way to durability: the offsets it covers, the grain calls (and dead-letter deliveries)
/// it is waiting for, and, once those are done, the storage sequence its writes must be covered by before its
/// offsets may be committed.
/// </summary>
internal sealed class InFlightBatch
{
    private readonly List<Task> _work = [];
    private Task? _completion;

    /// <summary>Partition -> next offset to consume (the offset to commit).</summary>
    public Dictionary<int, long> NextOffsets { get; } = [];

    /// <summary>Storage sequence that must be durable; -1 until the batch's work has completed.</summary>
    public long Sequence { get; set; } = -1;

    public Task Completion => _completion ??= _work.Count == 0 ? Task.CompletedTask : Task.WhenAll(_work);

    /// <summary>Messages the batch covers: what a crash now would make the next owner replay.</summary>
    public int Messages { get; private set; }

    public void Track(int partition, long offset)
    {
        NextOffsets[partition] = Math.Max(NextOffsets.GetValueOrDefault(partition), offset + 1);
        Messages++;
    }

    public void Add(Task work)
    {
        if (!work.IsCompletedSuccessfully)
        {
            _work.Add(work);
        }
    }
}
