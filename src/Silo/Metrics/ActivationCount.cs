namespace AccountMetadata.Silo.Metrics;

/// <summary>Active grains of one type on this silo.</summary>
public readonly record struct ActivationCount(string Type, int Active);
