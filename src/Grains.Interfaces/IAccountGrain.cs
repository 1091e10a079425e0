namespace AccountMetadata.Grains;

/// <summary>
/// One account's metadata: namespace -> features. Keyed by account id.
/// <para>
/// Every method is <c>[AlwaysInterleave]</c>. The grain changes its state in one synchronous step (a new immutable
/// snapshot per namespace, swapped in) and only then awaits storage, so an interleaved call can never see a half
/// applied batch. Reads therefore never queue behind a write waiting for DynamoDB, and writes to one account that
/// arrive while an earlier one waits for durability coalesce into the same item write instead of queueing behind it.
/// <c>[ReadOnly]</c> would not give that: a read-only call still waits for a running write to finish, storage wait
/// included.
/// </para>
/// </summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies updates, last writer wins per feature by timestamp (older ones are ignored and counted; on equal
    /// timestamps the later arrival wins), so a replay changes nothing. Completes once what it changed is durable in
    /// storage: a caller that acknowledges the updates upstream (a Kafka offset commit) may do so when it returns.
    /// </summary>
    [AlwaysInterleave]
    Task<ApplyResult> ApplyAsync(Immutable<FeatureUpdate[]> updates);

    /// <summary>The namespace's features, or null when the account has none there.</summary>
    [AlwaysInterleave]
    ValueTask<NamespaceFeatures?> GetNamespaceAsync(string namespaceName);

    /// <summary>Every namespace of the account; empty when the account is unknown.</summary>
    [AlwaysInterleave]
    ValueTask<Immutable<NamespaceFeatures[]>> GetAllAsync();

    /// <summary>
    /// Erases the account from memory and storage; false when there was nothing to erase. Completes once the erasure
    /// is durable.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> DeleteAsync();

    /// <summary>What the account holds and which namespaces are not durable yet (for operators).</summary>
    [AlwaysInterleave]
    ValueTask<AccountInspection> InspectAsync();
}
