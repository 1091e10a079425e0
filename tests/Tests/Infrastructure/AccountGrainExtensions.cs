using AccountMetadata.Grains;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>Shorthands for tests that call account grains directly.</summary>
public static class AccountGrainExtensions
{
    public static Task<ApplyResult> ApplyAsync(this IAccountGrain grain, params FeatureUpdate[] updates)
    {
        ArgumentNullException.ThrowIfNull(grain);
        return grain.ApplyAsync(new Immutable<FeatureUpdate[]>(updates));
    }

    /// <summary>Every namespace of the account, by name.</summary>
    public static async Task<Dictionary<string, NamespaceFeatures>> NamespacesAsync(this IAccountGrain grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        return (await grain.GetAllAsync()).Value.ToDictionary(n => n.Namespace, StringComparer.Ordinal);
    }
}
