using Orleans.Concurrency;
using Orleans.Runtime;

namespace AccountMetadata.Grains;

/// <summary>
/// Looks at an account grain without activating it: Orleans' directory says whether (and where) it is active, and
/// only then is it asked for its state. A stateless worker, so looking costs no directory entry of its own.
/// </summary>
[StatelessWorker]
public sealed class AccountStateViewGrain : Grain, IAccountStateViewGrain
{
    public Task<AccountStateView> GetState()
    {
        var key = this.GetPrimaryKeyString();
        return key.EndsWith(IAccountStateViewGrain.LoadSuffix, StringComparison.Ordinal)
            ? ViewAsync(key[..^IAccountStateViewGrain.LoadSuffix.Length], activate: true)
            : ViewAsync(key, activate: false);
    }

    public Task<AccountStateView> InspectAsync(bool activate) => ViewAsync(this.GetPrimaryKeyString(), activate);

    private async Task<AccountStateView> ViewAsync(string accountId, bool activate)
    {
        if (!Identifiers.IsValidAccountId(accountId))
        {
            throw new ArgumentException($"'{accountId}' is not an account id.", nameof(accountId));
        }

        var account = GrainFactory.GetGrain<IAccountGrain>(accountId);
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var silo = await management.GetActivationAddress(account).ConfigureAwait(true);
        if (silo is null && !activate)
        {
            return new AccountStateView(accountId, Active: false, Silo: null, []);
        }

        var inspection = await account.InspectAsync().ConfigureAwait(true);
        silo ??= await management.GetActivationAddress(account).ConfigureAwait(true);
        return new AccountStateView(accountId, Active: true, silo?.ToString(), [.. inspection.Namespaces.Select(View)]);
    }

    private static NamespaceStateView View(NamespaceInspection inspection)
    {
        var features = inspection.Features;
        var view = new FeatureStateView[features.Count];
        for (var i = 0; i < view.Length; i++)
        {
            view[i] = new FeatureStateView(features.NameAt(i), features.ValueAt(i), features.TimestampAt(i));
        }

        return new NamespaceStateView(features.Namespace, DateTimeOffset.FromUnixTimeMilliseconds(features.UpdatedAt), inspection.IsDurable, view);
    }
}
