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

    /// <summary>Completes when every write made so far is durable.</summary>
    Task WaitForDurabilityAsync(CancellationToken cancellationToken = default);
}
