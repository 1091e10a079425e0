using AccountMetadata.Runtime;

namespace AccountMetadata.Grains;

/// <summary>One account's metadata: namespace -> features. Keyed by account id.</summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies updates, last writer wins per feature by timestamp (older ones are ignored and counted; on equal
    /// timestamps the later arrival wins), so a replay changes nothing.
    /// </summary>
    ValueTask<ApplyResult> ApplyAsync(ReadOnlyMemory<FeatureUpdate> updates);

    /// <summary>The namespace's features, or null when the account has none there.</summary>
    [ReadOnly]
    ValueTask<NamespaceFeatures?> GetNamespaceAsync(string namespaceName);

    /// <summary>Every namespace of the account; empty when the account is unknown.</summary>
    [ReadOnly]
    ValueTask<IReadOnlyList<NamespaceFeatures>> GetAllAsync();

    /// <summary>Erases the account from memory and storage; false when there was nothing to erase.</summary>
    ValueTask<bool> DeleteAsync();

    /// <summary>What the account holds and which namespaces are not durable yet (for operators).</summary>
    [ReadOnly]
    ValueTask<AccountInspection> InspectAsync();
}
