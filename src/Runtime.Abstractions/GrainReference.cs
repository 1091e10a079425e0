namespace AccountMetadata.Runtime;

/// <summary>
/// Base of the grain references (proxies) that <see cref="IGrainFactory.GetGrain{TGrainInterface}"/> hands out: a
/// key and the invoker of the grain type, nothing more, so getting a reference is as cheap as Orleans' is.
/// The references are written by hand next to their interfaces, where Orleans would generate them.
/// </summary>
public abstract class GrainReference(string key, IGrainCallInvoker invoker)
{
    public string Key { get; } = key;

    protected IGrainCallInvoker Invoker { get; } = invoker;

    public override string ToString() => $"{GetType().Name}/{Key}";
}
