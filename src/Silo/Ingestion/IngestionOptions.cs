namespace AccountMetadata.Silo.Ingestion;

/// <summary>Configuration section <c>Ingestion</c>: how this silo reads the ingest topic through the Kafka stream provider.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Off: the silo pulls no partition (it still produces what the API accepts, and serves reads).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Records taken from a partition per read; one grain delivery per account per read.</summary>
    public int MaxBatchMessages { get; set; } = 10_000;

    /// <summary>
    /// Records read by this silo and not yet durable (or dead-lettered) before its partitions stop being read: bounds
    /// memory and what a crash replays while DynamoDB is slow.
    /// </summary>
    public int MaxUncommittedMessages { get; set; } = 500_000;

    /// <summary>How long a graceful stop waits for what was read to become durable and committed before it lets go.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(6); // within Hosting:ShutdownTimeout (12 s), grains flush after it

    /// <summary>Stop reading while storage holds more dirty namespaces than this (resume at half).</summary>
    public int PauseAtDirtyNamespaces { get; set; } = 200_000;

    /// <summary>Stop reading while dirty items add up to more bytes than this (resume at half).</summary>
    public long PauseAtDirtyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Stop reading for this long after an account load failed (DynamoDB away): the accounts a silo activates
    /// meanwhile take deliveries their storage cannot load yet. Reading resumes by itself after it, or sooner once a
    /// load succeeds.
    /// </summary>
    public TimeSpan PauseAfterFailedLoad { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Durable offsets are committed at most this often per partition.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>See <see cref="Grains.AccountDeliveryOptions.AcknowledgeBeforeDurable"/>.</summary>
    public bool AcknowledgeBeforeDurable { get; set; } = true;

    /// <summary>How often an idle partition is looked at: the floor of a record's way from the broker to its grain.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a pulling agent remembers an account's stream after its last record. A record for a stream it has
    /// forgotten costs a registration (a handshake call to the grain), and Orleans' agent reads nothing more from
    /// that partition until every registration in flight is done.
    /// </summary>
    public TimeSpan StreamInactivityPeriod { get; set; } = TimeSpan.FromMinutes(2);
}
