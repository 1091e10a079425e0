namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>A namespace waiting for (or in) a flush: which account it belongs to and since when it waits.</summary>
internal sealed class DirtyNamespace(string accountId, long sinceTimestamp)
{
    public string AccountId { get; } = accountId;

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when it became dirty.</summary>
    public long SinceTimestamp { get; } = sinceTimestamp;

    /// <summary>The item's estimated size as counted in the dirty bytes (updated under the namespace's lock).</summary>
    public int Bytes { get; set; }

    /// <summary>Set while a flush is writing it; only the flusher touches it.</summary>
    public bool InFlight { get; set; }
}
