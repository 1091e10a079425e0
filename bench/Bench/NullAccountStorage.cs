using AccountMetadata.Grains;
using AccountMetadata.Runtime;

namespace AccountMetadata.Bench;

/// <summary>
/// Storage that holds nothing: isolates the grain runtime and account logic in micro-benchmarks (the DynamoDB
/// provider is measured end to end against DynamoDB Local by the ingest benchmarks, not here).
/// </summary>
internal sealed class NullAccountStorage : IGrainStorage<AccountState>
{
    public Task<AccountState?> ReadStateAsync(string grainType, string key, CancellationToken cancellationToken) => Task.FromResult<AccountState?>(null);

    public ValueTask<long> WriteStateAsync(string grainType, string key, AccountState state, CancellationToken cancellationToken)
    {
        state.ClearChanged();
        return new ValueTask<long>(0);
    }

    public Task ClearStateAsync(string grainType, string key, AccountState state, CancellationToken cancellationToken) => Task.CompletedTask;

    public bool HasPendingWrites(AccountState state) => false;

    public void DiscardPendingWrites(AccountState state) => state.ClearChanged();

    public Task WaitForDurabilityAsync(long writeToken, CancellationToken cancellationToken) => Task.CompletedTask;
}
