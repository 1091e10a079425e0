namespace AccountMetadata.Silo.Hosting;

/// <summary>Body of a passing health check.</summary>
public sealed record HealthStatus(string Status, string? Detail);
