namespace AccountMetadata.Grains;

/// <summary>What an account's stream carries, in order: runs of feature updates, and erase commands between them.</summary>
[GenerateSerializer]
[Immutable]
public abstract record AccountStreamEvent;
