using System.Collections.Concurrent;
using AccountMetadata.Runtime;

namespace AccountMetadata.Silo.Runtime;

/// <summary>
/// The activations of one grain type on this silo, keyed by grain key: the directory that guarantees one activation
/// per key, and the invoker the type's grain references call.
/// </summary>
public sealed class GrainCatalog : IGrainCallInvoker
{
    private readonly ConcurrentDictionary<string, GrainActivation> _activations = new(StringComparer.Ordinal);
    private readonly Func<IGrainContext, Grain> _createGrain;
    private readonly CancellationToken _stopping;

    internal GrainCatalog(string grainType, IReadOnlyList<GrainMethod> methods, Func<IGrainContext, Grain> createGrain, GrainRuntimeOptions options, CancellationToken stopping)
    {
        GrainType = grainType;
        Metrics = new GrainTypeMetrics(grainType, methods);
        Options = options;
        _createGrain = createGrain;
        _stopping = stopping;
    }

    public string GrainType { get; }

    public GrainTypeMetrics Metrics { get; }

    public int ActiveCount => _activations.Count;

    internal GrainRuntimeOptions Options { get; }

    internal IEnumerable<GrainActivation> Activations => _activations.Values;

    public ValueTask<TResult> InvokeAsync<TGrainInterface, TArgument, TResult>(
        string key,
        GrainMethod method,
        TArgument argument,
        Func<TGrainInterface, TArgument, ValueTask<TResult>> body)
        where TGrainInterface : IGrain
    {
        ArgumentNullException.ThrowIfNull(method);
        while (true)
        {
            if (GetOrActivate(key).TryInvoke(method, argument, body, out var result))
            {
                return result;
            }

            // Raced with a deactivation that has just left the directory: the next lookup activates anew.
        }
    }

    /// <summary>True when <paramref name="key"/> has an activation on this silo (does not activate it).</summary>
    public bool IsActive(string key) => _activations.ContainsKey(key);

    /// <summary>Deactivates the activation of <paramref name="key"/>, if any, after the calls already queued.</summary>
    public Task DeactivateAsync(string key, DeactivationReason reason) =>
        _activations.TryGetValue(key, out var activation) ? activation.RequestDeactivation(reason) : Task.CompletedTask;

    /// <summary>Deactivates every activation whose key matches (all when null), concurrently.</summary>
    public Task DeactivateAllAsync(DeactivationReason reason, Func<string, bool>? keyFilter = null) =>
        Task.WhenAll(_activations.Values
            .Where(a => keyFilter is null || keyFilter(a.Key))
            .Select(a => a.RequestDeactivation(reason)));

    internal Grain CreateGrain(IGrainContext context) => _createGrain(context);

    internal void Remove(GrainActivation activation) =>
        _activations.TryRemove(new KeyValuePair<string, GrainActivation>(activation.Key, activation));

    private GrainActivation GetOrActivate(string key)
    {
        if (_activations.TryGetValue(key, out var existing))
        {
            return existing;
        }

        // Many callers may race here; the directory keeps one, and only that one is started.
        var created = new GrainActivation(this, key);
        var winner = _activations.GetOrAdd(key, created);
        if (ReferenceEquals(winner, created))
        {
            created.Start(_stopping);
        }

        return winner;
    }
}
