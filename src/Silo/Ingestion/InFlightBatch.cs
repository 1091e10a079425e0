namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// One consumed batch on its way to durability: the offsets it covers and the grain calls (and dead-letter
/// deliveries) it is waiting for. Account grains return only once their writes are durable, so the batch's offsets
/// may be committed when all of them have completed.
/// </summary>
internal sealed class InFlightBatch
{
    private readonly List<Task> _work = [];
    private Task? _completion;

    /// <summary>Partition -> next offset to consume (the offset to commit).</summary>
    public Dictionary<int, long> NextOffsets { get; } = [];

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
