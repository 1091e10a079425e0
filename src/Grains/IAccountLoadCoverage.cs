namespace AccountMetadata.Grains;

/// <summary>
/// What a storage that loads an account over the namespaces it knew at the time (one BatchGetItem key per namespace)
/// tells the account grain: a namespace registered after the load may have items this activation has not seen, so
/// the grain checks before it answers a read or erases the account. An update needs no check: its write finds the
/// unseen item by its version and merges with it, as a write does whenever another activation wrote first.
/// </summary>
public interface IAccountLoadCoverage
{
    /// <summary>True when <paramref name="state"/> was loaded over every namespace storage knows now (the usual case).</summary>
    bool Covers(AccountState state);

    /// <summary>
    /// Loads the items of the namespaces <paramref name="state"/> was not loaded over. Returns them rather than adding
    /// them, so the grain takes them in its own turn (<see cref="AccountState.TakeLateNamespaces"/>).
    /// </summary>
    Task<LateNamespaces> LoadUncoveredAsync(string accountId, AccountState state, CancellationToken cancellationToken);
}
