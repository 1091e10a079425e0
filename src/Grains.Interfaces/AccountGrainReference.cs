using AccountMetadata.Runtime;

namespace AccountMetadata.Grains;

/// <summary>
/// The reference (proxy) for <see cref="IAccountGrain"/>: what Orleans' code generator would emit, written by hand.
/// Each method passes a static lambda and its argument to the invoker, so a call allocates no closure.
/// </summary>
public sealed class AccountGrainReference(string key, IGrainCallInvoker invoker) : GrainReference(key, invoker), IAccountGrain
{
    public ValueTask<ApplyResult> ApplyAsync(ReadOnlyMemory<FeatureUpdate> updates) =>
        Invoker.InvokeAsync(Key, AccountGrainMethods.Apply, updates, static (IAccountGrain grain, ReadOnlyMemory<FeatureUpdate> u) => grain.ApplyAsync(u));

    public ValueTask<NamespaceFeatures?> GetNamespaceAsync(string namespaceName) =>
        Invoker.InvokeAsync(Key, AccountGrainMethods.GetNamespace, namespaceName, static (IAccountGrain grain, string ns) => grain.GetNamespaceAsync(ns));

    public ValueTask<IReadOnlyList<NamespaceFeatures>> GetAllAsync() =>
        Invoker.InvokeAsync(Key, AccountGrainMethods.GetAll, 0, static (IAccountGrain grain, int _) => grain.GetAllAsync());

    public ValueTask<bool> DeleteAsync() =>
        Invoker.InvokeAsync(Key, AccountGrainMethods.Delete, 0, static (IAccountGrain grain, int _) => grain.DeleteAsync());

    public ValueTask<AccountInspection> InspectAsync() =>
        Invoker.InvokeAsync(Key, AccountGrainMethods.Inspect, 0, static (IAccountGrain grain, int _) => grain.InspectAsync());
}
