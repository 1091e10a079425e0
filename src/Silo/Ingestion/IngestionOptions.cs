namespace AccountMetadata.Silo.Ingestion;

/// <summary>Configuration section <c>Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Off: the silo serves reads only (and tests drive grains directly).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages taken from the consumer per batch; one grain call per account per batch.</summary>
    public int MaxBatchMessages { get; set; } = 20_000;

    /// <summary>How long a batch may wait to fill once it has its first message.</summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Batches whose grain calls may be outstanding at once before the partitions pause.</summary>
    public int MaxBatchesInFlight { get; set; } = 8;

    /// <summary>Pause consumption while storage holds more dirty namespaces than this (resume at half).</summary>
    public int PauseAtDirtyNamespaces { get; set; } = 200_000;

    /// <summary>Pause consumption while dirty items add up to more bytes than this (resume at half).</summary>
    public long PauseAtDirtyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Pause consumption while more consumed messages than this wait to become durable (resume at half). Updates
    /// coalesce in memory, so the dirty-namespace bound alone would let a long storage outage queue batches (and a
    /// crash's replay) without end.
    /// </summary>
    public long PauseAtUncommittedMessages { get; set; } = 2_000_000;

    /// <summary>Durable offsets are committed at most this often.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a revoked partition's writes may take to become durable before its grains drop them.</summary>
    public TimeSpan RevokeFlushTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
