namespace AccountMetadata.Runtime;

/// <summary>What the runtime tells a grain about its own activation.</summary>
public interface IGrainContext
{
    /// <summary>The grain's key (its account id, for an account grain).</summary>
    string Key { get; }

    /// <summary>The grain type's name, as shown in metrics and on the dashboard.</summary>
    string GrainType { get; }

    /// <summary>Deactivate once the current turn and the calls already queued have run.</summary>
    void DeactivateOnIdle();
}
