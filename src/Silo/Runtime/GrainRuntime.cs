using System.Collections.Frozen;
using AccountMetadata.Runtime;

namespace AccountMetadata.Silo.Runtime;

/// <summary>
/// The silo's grain runtime: the grain factory, and one <see cref="GrainCatalog"/> per registered grain type.
/// </summary>
public sealed class GrainRuntime : IGrainFactory, IDisposable
{
    private readonly FrozenDictionary<Type, Registration> _byInterface;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public GrainRuntime(IEnumerable<GrainTypeRegistration> registrations, GrainRuntimeOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        Options = options;
        _byInterface = registrations.ToFrozenDictionary(
            r => r.InterfaceType,
            r => new Registration(
                r.CreateReference,
                new GrainCatalog(r.GrainType, r.Methods, context => r.CreateGrain(context, services), options, _stopping.Token)));
        Catalogs = [.. _byInterface.Values.Select(r => r.Catalog)];
    }

    public GrainRuntimeOptions Options { get; }

    public IReadOnlyList<GrainCatalog> Catalogs { get; }

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_byInterface.TryGetValue(typeof(TGrainInterface), out var registration))
        {
            throw new InvalidOperationException($"No grain is registered for {typeof(TGrainInterface).Name}.");
        }

        return (TGrainInterface)registration.CreateReference(key, registration.Catalog);
    }

    public GrainCatalog CatalogOf<TGrainInterface>()
        where TGrainInterface : IGrain => _byInterface[typeof(TGrainInterface)].Catalog;

    /// <summary>Deactivates every grain (flushing their state); used when the silo stops.</summary>
    public Task DeactivateAllAsync(DeactivationReason reason) =>
        Task.WhenAll(Catalogs.Select(c => c.DeactivateAllAsync(reason)));

    /// <summary>Idempotent: the container disposes it once per service it is registered as.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    private sealed record Registration(Func<string, IGrainCallInvoker, IGrain> CreateReference, GrainCatalog Catalog);
}
