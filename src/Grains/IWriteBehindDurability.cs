namespace AccountMetadata.Grains;

/// <summary>
/// What a write-behind storage tells the account grain about durability. Under write-behind,
/// <c>IPersistentState.WriteStateAsync</c> only hands the changed namespaces to storage and returns; the grain asks
/// here before it tells a caller that a change is safe (an ingest batch may commit its Kafka offsets then).
/// </summary>
public interface IWriteBehindDurability
{
    /// <summary>True when <paramref name="state"/> has changes that are not durable yet.</summary>
    bool HasPendingWrites(AccountState state);

    /// <summary>
    /// Completes when every change of <paramref name="state"/> handed to storage so far is durable. Storage writes on
    /// its own schedule, which is what lets many changes share one item write; <paramref name="flushNow"/> asks it
    /// not to wait for that (a deactivation, which holds the account until it completes).
    /// </summary>
    Task WhenDurableAsync(AccountState state, bool flushNow, CancellationToken cancellationToken);
}
