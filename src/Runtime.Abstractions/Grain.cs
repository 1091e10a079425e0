namespace AccountMetadata.Runtime;

/// <summary>
/// Base class of grain implementations (Orleans' <c>Grain</c>). The runtime creates one instance per activation,
/// calls <see cref="OnActivateAsync"/> before any other call and <see cref="OnDeactivateAsync"/> after the last.
/// </summary>
public abstract class Grain(IGrainContext context)
{
    public IGrainContext GrainContext { get; } = context;

    /// <summary>
    /// True while the grain holds changes its storage has not made durable; the idle collector prefers grains
    /// that have none, and deactivation waits for them.
    /// </summary>
    public virtual bool HasPendingWrites => false;

    public string GetPrimaryKeyString() => GrainContext.Key;

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    protected void DeactivateOnIdle() => GrainContext.DeactivateOnIdle();
}
