namespace AccountMetadata.Silo.Runtime;

internal enum ActivationStatus
{
    /// <summary>Created; <see cref="AccountMetadata.Runtime.Grain.OnActivateAsync"/> runs as the first turn.</summary>
    Activating,
    Active,

    /// <summary>Its deactivation turn is running; calls queue and move to the next activation afterwards.</summary>
    Deactivating,

    /// <summary>Gone from the directory; a call that still reaches it is sent to a new activation.</summary>
    Deactivated,
}
