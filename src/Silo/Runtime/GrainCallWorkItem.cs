using AccountMetadata.Runtime;

namespace AccountMetadata.Silo.Runtime;

/// <summary>A queued grain call. Allocated only when the call cannot start at once; the fast path needs none.</summary>
internal sealed class GrainCallWorkItem<TGrainInterface, TArgument, TResult>(
    GrainActivation activation,
    GrainMethod method,
    TArgument argument,
    Func<TGrainInterface, TArgument, ValueTask<TResult>> body) : GrainWorkItem
    where TGrainInterface : IGrain
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _completion.Task;

    public override bool IsReadOnly => method.IsReadOnly;

    public override void Execute() => Pipe(activation.RunTurn(method, argument, body));

    public override void Redispatch() => Pipe(activation.Catalog.InvokeAsync(activation.Key, method, argument, body));

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    private void Pipe(ValueTask<TResult> pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            _completion.TrySetResult(pending.Result);
            return;
        }

        _ = PipeAsync(pending);
    }

    private async Task PipeAsync(ValueTask<TResult> pending)
    {
        try
        {
            _completion.TrySetResult(await pending.ConfigureAwait(false));
        }
#pragma warning disable CA1031 // the exception belongs to the caller: it is handed over, not swallowed
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _completion.TrySetException(exception);
        }
    }
}
