namespace AccountMetadata.Grains;

/// <summary>
/// One feature value for one account, as the feature store publishes it. <see cref="Namespace"/> and
/// <see cref="Name"/> should be interned by whoever builds the update (they repeat across millions of accounts).
/// </summary>
public readonly record struct FeatureUpdate(string Namespace, string Name, string Value, long Timestamp);
