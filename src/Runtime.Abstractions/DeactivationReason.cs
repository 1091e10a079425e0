namespace AccountMetadata.Runtime;

public enum DeactivationReason
{
    /// <summary>Unused for longer than the collection age.</summary>
    IdleTimeout,

    /// <summary>The number of active grains passed its cap; the least recently used went first.</summary>
    CapacityPressure,

    /// <summary>The grain asked for it (<see cref="Grain.DeactivateOnIdle"/>).</summary>
    ApplicationRequested,

    /// <summary>Another silo owns the key now (its Kafka partition was revoked from this one).</summary>
    OwnershipLost,

    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
}
