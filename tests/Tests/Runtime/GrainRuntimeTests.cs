using AccountMetadata.Grains;
using AccountMetadata.Runtime;
using AccountMetadata.Silo.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AccountMetadata.Tests.Runtime;

/// <summary>The runtime's concurrency semantics, on a probe grain (pure logic: no storage involved).</summary>
public sealed class GrainRuntimeTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly ProbeLog _log = new();
    private readonly GrainRuntime _runtime;

    public GrainRuntimeTests()
    {
        var services = new ServiceCollection().AddSingleton(_log).BuildServiceProvider();
        var registration = GrainTypeRegistration.For<IProbeGrain, ProbeGrain>(
            ProbeGrainMethods.All,
            static (key, invoker) => new ProbeGrainReference(key, invoker),
            static (context, sp) => new ProbeGrain(context, sp.GetRequiredService<ProbeLog>()));
        _runtime = new GrainRuntime([registration], new GrainRuntimeOptions { IdleTimeout = TimeSpan.Zero }, services);
    }

    [Fact]
    public async Task A_race_of_first_calls_creates_exactly_one_activation()
    {
        _log.ActivationGate.TrySetResult();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await _runtime.GetGrain<IProbeGrain>("race").WriteAsync(i);
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(callers).WaitAsync(Deadline);

        Assert.Equal(1, _log.Activations);
        Assert.Equal(1, _runtime.CatalogOf<IProbeGrain>().ActiveCount);
        Assert.Equal(64, _log.Order.Count);
    }

    [Fact]
    public async Task Writing_calls_run_one_at_a_time_in_arrival_order()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("order");
        var calls = Enumerable.Range(0, 200).Select(i => grain.WriteAsync(i).AsTask()).ToArray();
        await Task.WhenAll(calls).WaitAsync(Deadline);

        Assert.Equal(0, _log.Overlaps);
        Assert.Equal(Enumerable.Range(0, 200), _log.Order);
    }

    [Fact]
    public async Task Read_only_calls_run_concurrently_but_never_beside_a_writer()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("readers");
        await grain.WriteAsync(-1);

        // Each read waits until three readers are inside at once: this completes only if they overlap.
        var reads = Enumerable.Range(0, 3).Select(_ => grain.ReadAsync(3).AsTask()).ToArray();
        await Task.WhenAll(reads).WaitAsync(Deadline);
        Assert.Equal(3, _log.MaxReaders);

        // Mixed traffic: readers overlap each other, writers overlap nothing.
        _log.ReadersGate.TrySetResult();
        var mixed = Enumerable.Range(0, 300)
            .Select(i => i % 3 == 0 ? grain.WriteAsync(i).AsTask() : grain.ReadAsync(1).AsTask())
            .ToArray();
        await Task.WhenAll(mixed).WaitAsync(Deadline);
        Assert.Equal(0, _log.Overlaps);
    }

    [Fact]
    public async Task A_call_that_throws_fails_only_its_caller()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("faulty");
        var failing = grain.FailAsync(0).AsTask();
        var next = grain.WriteAsync(7).AsTask();

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal(7, await next.WaitAsync(Deadline));
        Assert.Equal(1, _log.Activations);
        var metrics = _runtime.CatalogOf<IProbeGrain>().Metrics;
        Assert.Equal(1, metrics.Methods[ProbeGrainMethods.Fail.Index].Errors.Value);
        Assert.Equal(1, metrics.Methods[ProbeGrainMethods.Write.Index].Calls.Value);
    }

    [Fact]
    public async Task Calls_queued_behind_a_deactivation_move_to_a_new_activation()
    {
        var grain = _runtime.GetGrain<IProbeGrain>("reborn");
        await grain.WriteAsync(1);
        var deactivation = _runtime.CatalogOf<IProbeGrain>().DeactivateAsync("reborn", DeactivationReason.ApplicationRequested);
        var after = grain.WriteAsync(2).AsTask();
        await deactivation.WaitAsync(Deadline);

        Assert.Equal(2, await after.WaitAsync(Deadline));
        Assert.Equal(1, _log.Deactivations);
        Assert.Equal(2, _log.Activations);
    }

    [Fact]
    public async Task The_collector_deactivates_idle_grains_and_respects_the_cap()
    {
        for (var i = 0; i < 5; i++)
        {
            await _runtime.GetGrain<IProbeGrain>($"idle-{i}").WriteAsync(i);
        }

        var collector = new ActivationCollector(_runtime, NullLogger<ActivationCollector>.Instance);
        Assert.Equal(5, await collector.CollectOnceAsync());
        Assert.Equal(5, _log.Deactivations);
        Assert.Equal(0, _runtime.CatalogOf<IProbeGrain>().ActiveCount);
    }

    [Fact]
    public async Task Activation_failure_is_reported_to_waiting_callers_and_the_next_call_retries()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        var attempts = 0;
        var registration = GrainTypeRegistration.For<IProbeGrain, ProbeGrain>(
            ProbeGrainMethods.All,
            static (key, invoker) => new ProbeGrainReference(key, invoker),
            (context, _) => Interlocked.Increment(ref attempts) == 1
                ? throw new InvalidOperationException("storage down")
                : new ProbeGrain(context, _log));
        using var runtime = new GrainRuntime([registration], new GrainRuntimeOptions(), services);

        var failure = await Assert.ThrowsAsync<GrainActivationException>(() => runtime.GetGrain<IProbeGrain>("k").WriteAsync(1).AsTask());
        Assert.Contains("storage down", failure.Message, StringComparison.Ordinal);
        Assert.Equal(5, await runtime.GetGrain<IProbeGrain>("k").WriteAsync(5));
    }

    [Fact]
    public void Grain_references_declare_the_same_read_only_methods_as_their_interfaces()
    {
        AssertMethodTableMatches(typeof(IAccountGrain), AccountGrainMethods.All);
        AssertMethodTableMatches(typeof(IProbeGrain), ProbeGrainMethods.All);
    }

    public void Dispose() => _runtime.Dispose();

    private static void AssertMethodTableMatches(Type grainInterface, IReadOnlyList<GrainMethod> table)
    {
        var methods = grainInterface.GetMethods();
        Assert.Equal(methods.Length, table.Count);
        foreach (var method in methods)
        {
            var entry = Assert.Single(table, m => m.Name == method.Name);
            Assert.Equal(method.IsDefined(typeof(ReadOnlyAttribute), inherit: true), entry.IsReadOnly);
        }
    }
}
