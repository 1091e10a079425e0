namespace AccountMetadata.Grains;

/// <summary>
/// One account's metadata: namespace -> features. Keyed by account id.
/// <para>
/// Every method is <c>[AlwaysInterleave]</c>. The grain changes its state in one synchronous step (a new immutable
/// snapshot per namespace, swapped in) and only then awaits storage, so an interleaved call can never see a half
/// applied batch. Reads therefore never queue behind a write or a wait for DynamoDB, and writes to one account that
/// arrive while a caller waits for durability (<see cref="WhenDurableAsync"/>) coalesce into the same item write
/// instead of queueing behind it. <c>[ReadOnly]</c> would not give that: a read-only call still waits for a running
/// non-read-only call to finish, storage wait included.
/// </para>
/// </summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// How long a call that waits for durability may take before its caller gives up: as long as DynamoDB needs to
    /// write the backlog, which under backpressure is minutes, not Orleans' default 30 s. With that default a loaded
    /// silo timed out thousands of such calls a minute, each one retried into another wait, and the expired responses
    /// flooded its log. A caller is still told at once when the grain's silo dies, and a stream receiver that loses
    /// its partition stops waiting through its own cancellation.
    /// </summary>
    public const string DurabilityWaitTimeout = "00:10:00";

    /// <summary>
    /// Applies updates, last writer wins per feature by timestamp (older ones are ignored and counted; on equal
    /// timestamps the later arrival wins), so a replay changes nothing. Completes once they are in memory (readable)
    /// and handed to storage; <see cref="WhenDurableAsync"/> tells when they are durable.
    /// </summary>
    [AlwaysInterleave]
    Task<ApplyResult> ApplyAsync(Immutable<FeatureUpdate[]> updates);

    /// <summary>
    /// Completes once everything this account accepted so far is durable in storage, and answers true, when it is
    /// still <paramref name="activation"/> (from <see cref="ApplyResult.Activation"/> or
    /// <see cref="EraseResult.Activation"/>) that answers. False means that activation is gone (its silo died, or its
    /// deactivation gave up waiting for storage) and what it accepted may not be stored: apply it again. A caller that
    /// acknowledges updates upstream (a Kafka offset commit) may do so after true. Storage writes on its own schedule;
    /// waiting does not hurry it, so many updates still share one item write.
    /// </summary>
    [AlwaysInterleave]
    [ResponseTimeout(DurabilityWaitTimeout)]
    Task<bool> WhenDurableAsync(Guid activation);

    /// <summary>
    /// Completes once everything this activation accepted is durable, answering which of the stream deliveries
    /// (named by where they start) this activation did not apply: another one did (this one's predecessor, whose
    /// silo died before its flush), so deliver those again with <see cref="RedeliverAsync"/>. The stream provider
    /// commits the deliveries' offsets once none is missing.
    /// <para>
    /// <c>Immutable</c>, not a bare array: an array argument makes every proxy of this interface build its deep
    /// copier when constructed, and a reference is made per HTTP read (31 B each, found by
    /// <c>scripts/bench read-allocations</c>).
    /// </para>
    /// </summary>
    [AlwaysInterleave]
    [ResponseTimeout(DurabilityWaitTimeout)]
    Task<Immutable<RecordOrigin[]>> ConfirmDeliveriesAsync(Immutable<RecordOrigin[]> deliveries);

    /// <summary>Applies stream events again, outside the stream; completes once they are durable.</summary>
    [AlwaysInterleave]
    [ResponseTimeout(DurabilityWaitTimeout)]
    Task RedeliverAsync(Immutable<AccountStreamEvent[]> events);

    /// <summary>The namespace's features, or null when the account has none there.</summary>
    [AlwaysInterleave]
    ValueTask<NamespaceFeatures?> GetNamespaceAsync(string namespaceName);

    /// <summary>Every namespace of the account; empty when the account is unknown.</summary>
    [AlwaysInterleave]
    ValueTask<Immutable<NamespaceFeatures[]>> GetAllAsync();

    /// <summary>
    /// Erases the account from memory and storage (durable once <see cref="WhenDurableAsync"/> says so); false when
    /// there was nothing to erase.
    /// </summary>
    [AlwaysInterleave]
    Task<EraseResult> DeleteAsync();

    /// <summary>What the account holds and which namespaces are not durable yet (for operators).</summary>
    [AlwaysInterleave]
    ValueTask<AccountInspection> InspectAsync();
}
