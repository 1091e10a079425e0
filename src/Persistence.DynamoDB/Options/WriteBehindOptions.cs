namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>Configuration section <c>Storage:WriteBehind</c>.</summary>
public sealed class WriteBehindOptions
{
    public const string SectionName = "Storage:WriteBehind";

    /// <summary>Dirty namespaces are written at least this often.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A flush starts early once this many namespaces are dirty.</summary>
    public int FlushAtDirtyNamespaces { get; set; } = 5_000;

    /// <summary>A flush starts early once the dirty items add up to this many bytes.</summary>
    public long FlushAtDirtyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Groups of up to 25 item writes in flight at once, each write its own conditional PutItem or DeleteItem (so up to
    /// 200 requests by default, within <c>DynamoDb:MaxConcurrentRequests</c> HTTP connections). The name is from when a
    /// group was one BatchWriteItem call; it stays so that existing configuration keeps working.
    /// </summary>
    public int MaxConcurrentBatches { get; set; } = 8;

    /// <summary>Attempts per item write within one flush before the item is left dirty for the next flush.</summary>
    public int MaxAttempts { get; set; } = 6;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(25);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a stopping silo keeps trying to flush before it gives up (Kafka replays the rest).</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
