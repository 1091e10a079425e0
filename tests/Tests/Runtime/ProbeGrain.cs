using System.Collections.Concurrent;
using AccountMetadata.Runtime;

namespace AccountMetadata.Tests.Runtime;

/// <summary>A grain that reports what the scheduler let it see: overlaps, order, concurrency.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    ValueTask<int> WriteAsync(int sequence);

    [ReadOnly]
    ValueTask<int> ReadAsync(int expectedConcurrentReaders);

    ValueTask<int> FailAsync(int unused);
}

public static class ProbeGrainMethods
{
    public static readonly GrainMethod Write = new(nameof(IProbeGrain), nameof(IProbeGrain.WriteAsync), 0, isReadOnly: false);
    public static readonly GrainMethod Read = new(nameof(IProbeGrain), nameof(IProbeGrain.ReadAsync), 1, isReadOnly: true);
    public static readonly GrainMethod Fail = new(nameof(IProbeGrain), nameof(IProbeGrain.FailAsync), 2, isReadOnly: false);

    public static IReadOnlyList<GrainMethod> All { get; } = [Write, Read, Fail];
}

public sealed class ProbeGrainReference(string key, IGrainCallInvoker invoker) : GrainReference(key, invoker), IProbeGrain
{
    public ValueTask<int> WriteAsync(int sequence) =>
        Invoker.InvokeAsync(Key, ProbeGrainMethods.Write, sequence, static (IProbeGrain g, int s) => g.WriteAsync(s));

    public ValueTask<int> ReadAsync(int expectedConcurrentReaders) =>
        Invoker.InvokeAsync(Key, ProbeGrainMethods.Read, expectedConcurrentReaders, static (IProbeGrain g, int n) => g.ReadAsync(n));

    public ValueTask<int> FailAsync(int unused) =>
        Invoker.InvokeAsync(Key, ProbeGrainMethods.Fail, unused, static (IProbeGrain g, int n) => g.FailAsync(n));
}

/// <summary>What every probe activation reports into; one per test.</summary>
public sealed class ProbeLog
{
    private int _inside;
    private int _readers;
    private int _maxReaders;

    internal int Activations;
    internal int Deactivations;
    internal int Overlaps;
    public ConcurrentQueue<int> Order { get; } = new();

    public int MaxReaders => Volatile.Read(ref _maxReaders);

    /// <summary>Lets OnActivateAsync wait, so a test can pile calls up behind a slow activation.</summary>
    public TaskCompletionSource ActivationGate { get; } = CompletedGate();

    public TaskCompletionSource ReadersGate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void EnterWriter()
    {
        if (Interlocked.Increment(ref _inside) != 1 || Volatile.Read(ref _readers) != 0)
        {
            Interlocked.Increment(ref Overlaps);
        }
    }

    internal void LeaveWriter() => Interlocked.Decrement(ref _inside);

    internal int EnterReader()
    {
        if (Volatile.Read(ref _inside) != 0)
        {
            Interlocked.Increment(ref Overlaps);
        }

        var now = Interlocked.Increment(ref _readers);
        int seen;
        while ((seen = Volatile.Read(ref _maxReaders)) < now && Interlocked.CompareExchange(ref _maxReaders, now, seen) != seen)
        {
        }

        return now;
    }

    internal void LeaveReader() => Interlocked.Decrement(ref _readers);

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}

public sealed class ProbeGrain(IGrainContext context, ProbeLog log) : Grain(context), IProbeGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref log.Activations);
        await log.ActivationGate.Task.ConfigureAwait(false);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref log.Deactivations);
        return Task.CompletedTask;
    }

    public async ValueTask<int> WriteAsync(int sequence)
    {
        log.EnterWriter();
        log.Order.Enqueue(sequence);
        await Task.Yield(); // a turn that spans an await must still exclude every other call
        log.LeaveWriter();
        return sequence;
    }

    public async ValueTask<int> ReadAsync(int expectedConcurrentReaders)
    {
        if (log.EnterReader() >= expectedConcurrentReaders)
        {
            log.ReadersGate.TrySetResult();
        }

        await log.ReadersGate.Task.ConfigureAwait(false); // completes only if the readers really overlap
        log.LeaveReader();
        return expectedConcurrentReaders;
    }

    public ValueTask<int> FailAsync(int unused) => throw new InvalidOperationException("probe failure");
}
