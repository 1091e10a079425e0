namespace AccountMetadata.Runtime;

/// <summary>
/// A storage provider for one state type (Orleans' <c>IGrainStorage</c>, typed because our providers map a state's
/// shape onto their tables rather than serialising it as a blob).
/// </summary>
public interface IGrainStorage<TState>
    where TState : class, new()
{
    /// <summary>Loads the state of <paramref name="key"/>; returns null when storage holds no record.</summary>
    Task<TState?> ReadStateAsync(string grainType, string key, CancellationToken cancellationToken);

    /// <summary>Persists (or, write-behind, schedules) the changes of <paramref name="state"/>; returns a write token.</summary>
    ValueTask<long> WriteStateAsync(string grainType, string key, TState state, CancellationToken cancellationToken);

    Task ClearStateAsync(string grainType, string key, TState state, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="state"/> has changes that are not durable yet.</summary>
    bool HasPendingWrites(TState state);

    /// <summary>Drops <paramref name="state"/>'s changes that are not durable yet (see IPersistentState.DiscardPendingWrites).</summary>
    void DiscardPendingWrites(TState state);

    /// <summary>Completes when the write that returned <paramref name="writeToken"/> (and every earlier one) is durable.</summary>
    Task WaitForDurabilityAsync(long writeToken, CancellationToken cancellationToken);
}
