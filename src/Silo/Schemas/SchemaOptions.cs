namespace AccountMetadata.Silo.Schemas;

/// <summary>Configuration section <c>Schemas</c>.</summary>
public sealed class SchemaOptions
{
    public const string SectionName = "Schemas";

    /// <summary>Register the shipped demo schemas (orders, rewards, preferences, segments) when missing.</summary>
    public bool SeedDemoSchemas { get; set; } = true;

    /// <summary>How often each silo reloads schemas registered elsewhere.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
