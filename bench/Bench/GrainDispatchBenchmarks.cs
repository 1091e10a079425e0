using AccountMetadata.Grains;
using BenchmarkDotNet.Attributes;

namespace AccountMetadata.Bench;

/// <summary>
/// The cost of a call to a hot (already active) account grain through Orleans, from outside any grain (as the HTTP
/// endpoints call it), against a direct call of the same read on an immutable snapshot as the baseline.
/// </summary>
[MemoryDiagnoser]
public class GrainDispatchBenchmarks
{
    private BenchSilo _silo = null!;
    private IAccountGrain _reference = null!;
    private AccountGrainReferences _references = null!;
    private NamespaceFeatures _snapshot = null!;
    private Immutable<FeatureUpdate[]> _update;

    [GlobalSetup]
    public void Setup()
    {
        _silo = BenchSilo.Start();
        _reference = _silo.Grains.GetGrain<IAccountGrain>("hot");
        _references = new AccountGrainReferences(_silo.Grains);
        _reference.ApplyAsync(BenchSilo.TwentyFeatures(NameInterner.Shared, 1)).GetAwaiter().GetResult();
        _snapshot = _reference.GetNamespaceAsync("orders").AsTask().GetAwaiter().GetResult()!;
        _update = new([new FeatureUpdate(NameInterner.Shared.Intern("orders"), NameInterner.Shared.Intern("feature_0"), "42", 5)]);
    }

    [GlobalCleanup]
    public void Cleanup() => _silo.Dispose();

    [Benchmark(Baseline = true)]
    public int DirectRead() => _snapshot.IndexOf("feature_3");

    [Benchmark]
    public async Task<NamespaceFeatures?> GrainRead() => await _reference.GetNamespaceAsync("orders");

    [Benchmark]
    public async Task<NamespaceFeatures?> GetGrainThenRead() => await _silo.Grains.GetGrain<IAccountGrain>("hot").GetNamespaceAsync("orders");

    /// <summary>What the read endpoints do: a reference without Orleans' per-call type resolution.</summary>
    [Benchmark]
    public async Task<NamespaceFeatures?> ResolvedReferenceThenRead() => await _references.Get("hot").GetNamespaceAsync("orders");

    [Benchmark]
    public async Task<int> GrainApply() => (await _reference.ApplyAsync(_update)).Applied;
}
