using AccountMetadata.Grains;
using AccountMetadata.Silo.Runtime;
using BenchmarkDotNet.Attributes;

namespace AccountMetadata.Bench;

/// <summary>
/// The cost of a call to a hot (already active) account grain, against a direct call of the same method on the
/// grain object as the baseline: what the runtime's dispatch (lookup, turn scheduling, metrics) adds.
/// </summary>
[MemoryDiagnoser]
public class GrainDispatchBenchmarks
{
    private GrainRuntime _runtime = null!;
    private IAccountGrain _reference = null!;
    private IAccountGrain _direct = null!;
    private FeatureUpdate[] _update = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = BenchRuntime.Create();
        _reference = _runtime.GetGrain<IAccountGrain>("hot");
        _reference.ApplyAsync(BenchRuntime.TwentyFeatures(NameInterner.Shared, 1)).AsTask().GetAwaiter().GetResult();
        var activation = _runtime.CatalogOf<IAccountGrain>();
        _direct = (IAccountGrain)activation.Activations.Single().Instance!;
        _update = [new FeatureUpdate(NameInterner.Shared.Intern("orders"), NameInterner.Shared.Intern("feature_0"), "42", 5)];
    }

    /// <summary>A hot grain answers synchronously; anything else would be a regression worth failing loudly.</summary>
    private static T Completed<T>(ValueTask<T> call) =>
        call.IsCompletedSuccessfully ? call.Result : throw new InvalidOperationException("a hot grain call did not complete synchronously");

    [GlobalCleanup]
    public void Cleanup() => _runtime.Dispose();

    [Benchmark(Baseline = true)]
    public NamespaceFeatures? DirectRead() => Completed(_direct.GetNamespaceAsync("orders"));

    [Benchmark]
    public NamespaceFeatures? GrainRead() => Completed(_reference.GetNamespaceAsync("orders"));

    [Benchmark]
    public NamespaceFeatures? GetGrainThenRead() => Completed(_runtime.GetGrain<IAccountGrain>("hot").GetNamespaceAsync("orders"));

    [Benchmark]
    public int GrainApply() => Completed(_reference.ApplyAsync(_update)).Applied;
}
