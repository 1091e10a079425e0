using AccountMetadata.Grains;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// What <see cref="ConditionalItemWriter"/> stored: <see cref="Item"/> (the snapshot, or its merge with a newer item
/// another activation wrote, <see cref="Merged"/>), now at <see cref="Version"/> (0 once deleted).
/// </summary>
internal readonly record struct ItemWritten(NamespaceFeatures Item, long Version, bool Merged);
