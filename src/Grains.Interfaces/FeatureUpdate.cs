namespace AccountMetadata.Grains;

/// <summary>
/// One feature value for one account, as the feature store publishes it. <see cref="Namespace"/> and
/// <see cref="Name"/> should be interned by whoever builds the update (they repeat across millions of accounts).
/// </summary>
[GenerateSerializer]
[Immutable]
public readonly record struct FeatureUpdate(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Name,
    [property: Id(2)] string Value,
    [property: Id(3)] long Timestamp);
