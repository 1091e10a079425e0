namespace AccountMetadata.Grains;

/// <summary>
/// What the storage tells the account grain about the items its state may not hold yet: the account's whole load,
/// when storage handed the state out before the items arrived (<see cref="AccountState.Loading"/>, so the activation
/// does not wait for DynamoDB), or the items of a namespace registered after the load (one BatchGetItem key per
/// namespace the catalog knew then). The grain takes them in before it answers a read, erases the account or hands a
/// change to storage; updates apply before that and merge with the items by feature timestamp when they arrive.
/// </summary>
public interface IAccountLoadCoverage
{
    /// <summary>True when <paramref name="state"/> holds the items of every namespace storage knows now (the usual case).</summary>
    bool Covers(AccountState state);

    /// <summary>
    /// Loads (or waits for) the items <paramref name="state"/> does not hold yet. Returns them rather than adding them,
    /// so the grain takes them in its own turn (<see cref="AccountState.TakeLateNamespaces"/>).
    /// </summary>
    Task<LateNamespaces> LoadUncoveredAsync(string accountId, AccountState state, CancellationToken cancellationToken);
}
