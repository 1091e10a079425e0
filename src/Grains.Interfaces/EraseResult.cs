namespace AccountMetadata.Grains;

/// <summary>What erasing an account did, and which activation did it (see <see cref="ApplyResult.Activation"/>).</summary>
[GenerateSerializer]
[Immutable]
public readonly record struct EraseResult([property: Id(0)] bool Erased, [property: Id(1)] Guid Activation);
