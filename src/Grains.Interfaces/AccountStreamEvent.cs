namespace AccountMetadata.Grains;

/// <summary>What an account's stream carries, in order: runs of feature updates, and erase commands between them.</summary>
[GenerateSerializer]
[Immutable]
public abstract record AccountStreamEvent
{
    /// <summary>The record the event starts at: a delivery is named by its first event's.</summary>
    public abstract RecordOrigin Origin { get; }
}
