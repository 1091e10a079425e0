using System.Diagnostics;
using AccountMetadata.Runtime;

namespace AccountMetadata.Silo.Runtime;

/// <summary>
/// One activation of one grain, and its turn scheduler. Calls run one at a time in arrival order; read-only calls
/// may overlap each other, never a writing call. A call that finds the activation idle runs at once on the
/// caller's thread (no allocation, no thread hop); the others wait in a FIFO queue and are started on the thread
/// pool as turns end. The lock is this activation's own monitor (no lock object, and no queue until something
/// waits: millions of activations stay in memory), so calls to different grains never contend.
/// </summary>
internal sealed class GrainActivation : IGrainContext
{
    private Queue<GrainWorkItem>? _queue;
    private Grain? _instance;
    private GrainActivationException? _activationFailure;
    private ActivationStatus _status = ActivationStatus.Activating;
    private int _readers;
    private bool _writer = true; // the activation turn holds the grain until OnActivateAsync completes
    private bool _deactivationQueued;
    private long _lastUsed = Environment.TickCount64;

    public GrainActivation(GrainCatalog catalog, string key)
    {
        Catalog = catalog;
        Key = key;
    }

    public GrainCatalog Catalog { get; }

    public string Key { get; }

    public string GrainType => Catalog.GrainType;

    /// <summary><see cref="Environment.TickCount64"/> of the last call; read without the lock by the collector.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    public bool HasPendingWrites => _instance?.HasPendingWrites ?? false;

    public bool IsActive => _status == ActivationStatus.Active;

    public Grain? Instance => _instance;

    public void DeactivateOnIdle() => _ = RequestDeactivation(DeactivationReason.ApplicationRequested);

    /// <summary>Creates the grain and runs OnActivateAsync as the first turn. Called once, by the directory's winner.</summary>
    public void Start(CancellationToken cancellationToken) => _ = ActivateAsync(cancellationToken);

    /// <summary>
    /// Runs or queues a call. False when the activation is already gone: the caller must look the key up again.
    /// </summary>
    public bool TryInvoke<TGrainInterface, TArgument, TResult>(
        GrainMethod method,
        TArgument argument,
        Func<TGrainInterface, TArgument, ValueTask<TResult>> body,
        out ValueTask<TResult> result)
        where TGrainInterface : IGrain
    {
        GrainCallWorkItem<TGrainInterface, TArgument, TResult> queued;
        lock (this)
        {
            if (_status == ActivationStatus.Deactivated)
            {
                // A caller that found this activation before its activation failed gets that failure, rather than
                // quietly activating again: a storage outage must not turn into a loop of activations.
                result = _activationFailure is null ? default : ValueTask.FromException<TResult>(_activationFailure);
                return _activationFailure is not null;
            }

            _lastUsed = Environment.TickCount64;
            if ((_queue is null || _queue.Count == 0) && !_writer && (method.IsReadOnly || _readers == 0))
            {
                EnterTurn(method.IsReadOnly);
                queued = null!;
            }
            else
            {
                queued = new GrainCallWorkItem<TGrainInterface, TArgument, TResult>(this, method, argument, body);
                (_queue ??= new Queue<GrainWorkItem>()).Enqueue(queued);
            }
        }

        result = queued is null ? RunTurn(method, argument, body) : new ValueTask<TResult>(queued.Task);
        return true;
    }

    /// <summary>Runs one turn that the scheduler has already entered, and leaves it when the call completes.</summary>
    public ValueTask<TResult> RunTurn<TGrainInterface, TArgument, TResult>(
        GrainMethod method,
        TArgument argument,
        Func<TGrainInterface, TArgument, ValueTask<TResult>> body)
        where TGrainInterface : IGrain
    {
        var metrics = Catalog.Metrics.For(method);
        var started = Stopwatch.GetTimestamp();
        ValueTask<TResult> pending;
        try
        {
            pending = body((TGrainInterface)(object)_instance!, argument);
        }
#pragma warning disable CA1031 // a failing call fails its caller only; the activation keeps serving
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LeaveTurn(method.IsReadOnly, metrics, started, failed: true);
            return ValueTask.FromException<TResult>(exception);
        }

        if (pending.IsCompletedSuccessfully)
        {
            var value = pending.Result;
            LeaveTurn(method.IsReadOnly, metrics, started, failed: false);
            return new ValueTask<TResult>(value);
        }

        return AwaitTurnAsync(pending, method.IsReadOnly, metrics, started);
    }

    /// <summary>Queues the deactivation turn behind the calls already waiting; completes when it has run.</summary>
    public Task RequestDeactivation(DeactivationReason reason)
    {
        DeactivationWorkItem item;
        lock (this)
        {
            if (_deactivationQueued || _status == ActivationStatus.Deactivated)
            {
                return Task.CompletedTask;
            }

            _deactivationQueued = true;
            item = new DeactivationWorkItem(this, reason);
            (_queue ??= new Queue<GrainWorkItem>()).Enqueue(item);
            Pump();
        }

        return item.Task;
    }

    /// <summary>The deactivation turn: flushes through the grain, then leaves the directory.</summary>
    internal async Task DeactivateAsync(DeactivationReason reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Catalog.Options.DeactivationTimeout);
            await _instance!.OnDeactivateAsync(reason, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            // Abandoned (storage still failing, say): the activation stays and keeps serving; it can be retried.
            lock (this)
            {
                _deactivationQueued = false;
                _status = ActivationStatus.Active;
                _writer = false;
                Pump();
            }

            throw;
        }

        Catalog.Remove(this);
        GrainWorkItem[] stranded;
        lock (this)
        {
            _status = ActivationStatus.Deactivated;
            stranded = [.. _queue ?? []];
            _queue = null;
        }

        Catalog.Metrics.Deactivations.Increment();
        foreach (var item in stranded)
        {
            item.Redispatch();
        }
    }

    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield(); // the activating caller returns to queue its call; activation runs on the pool
            _instance = Catalog.CreateGrain(this);
            await _instance.OnActivateAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // activation failures are handed to every caller that waited for this activation
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var failure = new GrainActivationException($"{GrainType}/{Key} failed to activate: {exception.Message}", exception);
            Catalog.Remove(this);
            GrainWorkItem[] waiting;
            lock (this)
            {
                _activationFailure = failure;
                _status = ActivationStatus.Deactivated;
                waiting = [.. _queue ?? []];
                _queue = null;
            }

            Catalog.Metrics.ActivationFailures.Increment();
            foreach (var item in waiting)
            {
                item.Fail(failure);
            }

            return;
        }

        Catalog.Metrics.Activations.Increment();
        lock (this)
        {
            _status = ActivationStatus.Active;
            _writer = false;
            Pump();
        }
    }

    private async ValueTask<TResult> AwaitTurnAsync<TResult>(ValueTask<TResult> pending, bool isReadOnly, GrainMethodMetrics metrics, long started)
    {
        try
        {
            var value = await pending.ConfigureAwait(false);
            LeaveTurn(isReadOnly, metrics, started, failed: false);
            return value;
        }
        catch
        {
            LeaveTurn(isReadOnly, metrics, started, failed: true);
            throw;
        }
    }

    private void EnterTurn(bool isReadOnly)
    {
        if (isReadOnly)
        {
            _readers++;
        }
        else
        {
            _writer = true;
        }
    }

    private void LeaveTurn(bool isReadOnly, GrainMethodMetrics metrics, long started, bool failed)
    {
        metrics.Calls.Increment();
        metrics.Latency.RecordSince(started);
        if (failed)
        {
            metrics.Errors.Increment();
        }

        lock (this)
        {
            if (isReadOnly)
            {
                _readers--;
            }
            else
            {
                _writer = false;
            }

            Pump();
        }
    }

    /// <summary>Starts what the queue's head allows: one writer alone, or a run of readers together. Under the lock.</summary>
    private void Pump()
    {
        if (_status == ActivationStatus.Activating)
        {
            return;
        }

        while (_queue is { Count: > 0 } && !_writer)
        {
            var next = _queue.Peek();
            if (next.IsReadOnly)
            {
                _queue.Dequeue();
                _readers++;
                ThreadPool.UnsafeQueueUserWorkItem(next, preferLocal: false);
                continue;
            }

            if (_readers > 0)
            {
                return;
            }

            _queue.Dequeue();
            _writer = true;
            if (next.IsDeactivation)
            {
                _status = ActivationStatus.Deactivating;
            }

            ThreadPool.UnsafeQueueUserWorkItem(next, preferLocal: false);
            break;
        }

        if (_queue is { Count: 0 })
        {
            _queue = null; // most activations queue only while activating: do not keep an empty queue for life
        }
    }
}
