namespace AccountMetadata.Silo.Runtime;

/// <summary>Configuration section <c>Grains</c>.</summary>
public sealed class GrainRuntimeOptions
{
    public const string SectionName = "Grains";

    /// <summary>An activation unused for this long is deactivated (Orleans' collection age).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Above this many activations the least recently used go, clean ones first.</summary>
    public int MaxActiveActivations { get; set; } = 2_000_000;

    /// <summary>How long a deactivation may wait for its storage before it is abandoned and retried later.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
