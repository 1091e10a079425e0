namespace AccountMetadata.Silo.Runtime;

/// <summary>A turn waiting in an activation's queue: a call, or the activation's own deactivation.</summary>
internal abstract class GrainWorkItem : IThreadPoolWorkItem
{
    public abstract bool IsReadOnly { get; }

    public virtual bool IsDeactivation => false;

    /// <summary>Runs the turn (on the thread pool); the activation is already marked as running it.</summary>
    public abstract void Execute();

    /// <summary>The activation went away before this call ran: send the call to the key's next activation.</summary>
    public abstract void Redispatch();

    public abstract void Fail(Exception exception);
}
