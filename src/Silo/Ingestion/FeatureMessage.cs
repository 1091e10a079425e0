using AccountMetadata.Grains;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>A parsed ingest message. Namespace and feature name are interned.</summary>
public readonly record struct FeatureMessage(FeatureMessageKind Kind, string AccountId, string Namespace, string FeatureName, string Value, long Timestamp)
{
    public FeatureUpdate ToUpdate() => new(Namespace, FeatureName, Value, Timestamp);

    public static FeatureMessage Erase(string accountId) => new(FeatureMessageKind.Erase, accountId, string.Empty, string.Empty, string.Empty, 0);
}
