namespace AccountMetadata.Runtime;

/// <summary>
/// What a grain reference calls: routes a call to the activation of <paramref name="key"/>, activating it on first
/// use, and runs <paramref name="body"/> as one turn of that activation. The body is a static lambda with its
/// argument passed alongside, so a call allocates no closure.
/// </summary>
public interface IGrainCallInvoker
{
    ValueTask<TResult> InvokeAsync<TGrainInterface, TArgument, TResult>(
        string key,
        GrainMethod method,
        TArgument argument,
        Func<TGrainInterface, TArgument, ValueTask<TResult>> body)
        where TGrainInterface : IGrain;
}
