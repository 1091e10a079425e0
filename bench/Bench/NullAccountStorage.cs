using AccountMetadata.Grains;
using Orleans.Runtime;
using Orleans.Storage;

namespace AccountMetadata.Bench;

/// <summary>
/// For the in-process micro-benchmarks only (memory per account, grain dispatch): account storage that holds
/// nothing and is durable at once, so they measure Orleans and the grain, not DynamoDB. The suite uses the real one.
/// </summary>
internal sealed class NullAccountStorage : IGrainStorage, IWriteBehindDurability, IAccountLoadCoverage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ((IGrainState<AccountState>)grainState).State = new AccountState();
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var state = ((IGrainState<AccountState>)grainState).State!;
        state.ClearChanged();
        foreach (var ns in state.Namespaces)
        {
            ns.Durable = ns.Current;
        }

        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

    public bool HasPendingWrites(AccountState state) => false;

    public Task WhenDurableAsync(AccountState state, bool flushNow, CancellationToken cancellationToken) => Task.CompletedTask;

    public bool Covers(AccountState state) => true;

    public Task<LateNamespaces> LoadUncoveredAsync(string accountId, AccountState state, CancellationToken cancellationToken) =>
        Task.FromResult(new LateNamespaces([], []));
}
