namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// One consumed batch on its way to durability: the offsets it covers, the grain calls that apply it
/// (<see cref="Applied"/>: what backpressure counts as in flight) and everything that must finish before its offsets
/// may be committed (<see cref="Completion"/>: each account's durability call, dead-letter deliveries).
/// </summary>
internal sealed class InFlightBatch
{
    private readonly List<Task> _work = [];
    private readonly List<Task> _applying = [];
    private Task? _completion;
    private Task? _applied;

    /// <summary>Partition -> next offset to consume (the offset to commit).</summary>
    public Dictionary<int, long> NextOffsets { get; } = [];

    public Task Completion => _completion ??= _work.Count == 0 ? Task.CompletedTask : Task.WhenAll(_work);

    /// <summary>Completes when every account of the batch has its updates in memory (not yet durable).</summary>
    public Task Applied => _applied ??= _applying.Count == 0 ? Task.CompletedTask : Task.WhenAll(_applying);

    /// <summary>Set once a failure of this batch has been logged.</summary>
    public bool FailureReported { get; set; }

    /// <summary>Messages the batch covers: what a crash now would make the next owner replay.</summary>
    public int Messages { get; private set; }

    public void Track(int partition, long offset)
    {
        NextOffsets[partition] = Math.Max(NextOffsets.GetValueOrDefault(partition), offset + 1);
        Messages++;
    }

    public void AddApplied(Task applying)
    {
        if (!applying.IsCompletedSuccessfully)
        {
            _applying.Add(applying);
        }
    }

    public void Add(Task work)
    {
        if (!work.IsCompletedSuccessfully)
        {
            _work.Add(work);
        }
    }
}
