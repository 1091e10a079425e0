using AccountMetadata.Runtime;

namespace AccountMetadata.Silo.Runtime;

/// <summary>A grain's handle on its state in a <see cref="IGrainStorage{TState}"/>.</summary>
public sealed class PersistentState<TState>(IGrainContext context, IGrainStorage<TState> storage) : IPersistentState<TState>
    where TState : class, new()
{
    private long _lastWriteToken;

    public TState State { get; set; } = new();

    public bool RecordExists { get; private set; }

    public bool HasPendingWrites => storage.HasPendingWrites(State);

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var loaded = await storage.ReadStateAsync(context.GrainType, context.Key, cancellationToken).ConfigureAwait(false);
        RecordExists = loaded is not null;
        State = loaded ?? new TState();
    }

    public ValueTask WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var pending = storage.WriteStateAsync(context.GrainType, context.Key, State, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            Remember(pending.Result);
            return ValueTask.CompletedTask;
        }

        return AwaitWriteAsync(pending);
    }

    public Task ClearStateAsync(CancellationToken cancellationToken = default) =>
        storage.ClearStateAsync(context.GrainType, context.Key, State, cancellationToken);

    public void DiscardPendingWrites() => storage.DiscardPendingWrites(State);

    public Task WaitForDurabilityAsync(CancellationToken cancellationToken = default) =>
        storage.WaitForDurabilityAsync(Volatile.Read(ref _lastWriteToken), cancellationToken);

    private async ValueTask AwaitWriteAsync(ValueTask<long> pending) => Remember(await pending.ConfigureAwait(false));

    private void Remember(long token) => _lastWriteToken = Math.Max(_lastWriteToken, token);
}
