namespace AccountMetadata.Grains;

/// <summary>Where on the ingest topic an event came from.</summary>
[GenerateSerializer]
[Immutable]
public readonly record struct RecordOrigin([property: Id(0)] int Partition, [property: Id(1)] long Offset);
