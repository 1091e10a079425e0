namespace AccountMetadata.Runtime;

/// <summary>
/// A grain's persistent state (Orleans' <c>IPersistentState&lt;T&gt;</c>), backed by the <see cref="IGrainStorage{TState}"/>
/// the silo configured for it. Under a write-behind storage <see cref="WriteStateAsync"/> only marks the state
/// dirty and returns; durability is the storage's job and shows in <see cref="HasPendingWrites"/>.
/// </summary>
public interface IPersistentState<TState>
    where TState : class, new()
{
    TState State { get; set; }

    /// <summary>True when storage held a record for this grain when it was last read.</summary>
    bool RecordExists { get; }

    bool HasPendingWrites { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    ValueTask WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets changes not yet durable, without writing them: for a grain whose key another silo now owns, which
    /// replays them from the log (Kafka offsets are only committed once durable), so writing them here could only
    /// overwrite the new owner's newer state.
    /// </summary>
    void DiscardPendingWrites();

    /// <summary>Completes when every write made so far is durable.</summary>
    Task WaitForDurabilityAsync(CancellationToken cancellationToken = default);
}
