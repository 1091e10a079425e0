namespace AccountMetadata.Grains;

/// <summary>Every account is owned here: one silo, or no ingestion to split.</summary>
public sealed class SingleSiloOwnership : IAccountOwnership
{
    public static SingleSiloOwnership Instance { get; } = new();

    public bool IsOwnedHere(string accountId) => true;
}
