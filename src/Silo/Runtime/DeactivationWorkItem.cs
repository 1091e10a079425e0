using AccountMetadata.Runtime;

namespace AccountMetadata.Silo.Runtime;

/// <summary>The last turn of an activation: runs <see cref="Grain.OnDeactivateAsync"/>, then retires it.</summary>
internal sealed class DeactivationWorkItem(GrainActivation activation, DeactivationReason reason) : GrainWorkItem
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _completion.Task;

    public DeactivationReason Reason => reason;

    public override bool IsReadOnly => false;

    public override bool IsDeactivation => true;

    public override void Execute() => _ = RunAsync();

    public override void Redispatch() => _completion.TrySetResult(); // the activation is already gone

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    private async Task RunAsync()
    {
        try
        {
            await activation.DeactivateAsync(reason).ConfigureAwait(false);
            _completion.TrySetResult();
        }
#pragma warning disable CA1031 // reported to whoever asked for the deactivation; the activation stays usable
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _completion.TrySetException(exception);
        }
    }
}
