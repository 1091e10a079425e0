using AccountMetadata.Diagnostics;
using System.Collections.Concurrent;
using System.Diagnostics;
using AccountMetadata.Grains;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// The account grains' Orleans grain storage (<see cref="IGrainStorage"/>): loads accounts many per request
/// (<see cref="AccountLoader"/>), and persists write-behind. <c>WriteStateAsync</c> marks the grain's changed
/// namespaces dirty, numbers the write and returns; <see cref="FlushAsync"/> (driven by <see cref="WriteBehindFlusher"/>)
/// writes each dirty namespace's latest snapshot once, however many updates it absorbed, as conditional item writes
/// (<see cref="ConditionalItemWriter"/>) in slices of 25 with several slices in flight. Nothing is dropped: an item that
/// keeps failing stays dirty.
/// <para>
/// <see cref="DurableWatermark"/> is the largest sequence number W such that every write numbered W or lower is in
/// DynamoDB; <see cref="WhenDurableAsync"/> waits for it, which is how a grain knows its changes are safe.
/// </para>
/// <para>
/// The state type is fixed (<see cref="AccountState"/>): the provider maps its namespaces onto items of the account
/// table rather than serialising the state as a blob, which is what makes coalesced partial writes possible.
/// </para>
/// </summary>
public sealed partial class DynamoAccountStorage(
    string name,
    IAmazonDynamoDB client,
    DynamoDbOptions options,
    WriteBehindOptions writeBehind,
    StorageMetrics metrics,
    NameInterner interner,
    IAccountNamespaceCatalog? catalog,
    ILogger<DynamoAccountStorage> logger) : IGrainStorage, IWriteBehindDurability, IAccountLoadCoverage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const int BatchSize = 25; // BatchWriteItem's limit

    /// <summary>
    /// How often the durable watermark may move while a flush is still writing. Moving it costs a walk over every dirty
    /// namespace, so not after each group of writes; but a flush of a backlog takes seconds on a busy DynamoDB, and
    /// until the watermark moves nobody hears that the writes already done are durable: no delivery is confirmed and no
    /// Kafka offset committed, so records, and the memory that holds them, wait for the flush's slowest write.
    /// </summary>
    private static readonly TimeSpan WatermarkMidFlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<NamespaceState, DirtyNamespace> _dirty = new(ReferenceEqualityComparer.Instance);

    // Counted apart: ConcurrentDictionary.Count (like Keys and Values) takes every one of its locks, up to 1,024 once
    // the set is large, and it was asked on every grain write: 13% of a loaded silo's CPU.
    private int _dirtyCount;
    private readonly Lock _waitersGate = new();
    private readonly List<(long Token, TaskCompletionSource Completion)> _waiters = [];
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly AccountLoader _loader = new(client, options, catalog, metrics, interner);
    private readonly ConditionalItemWriter _writer = new(client, options, writeBehind, metrics, interner, logger);
    private long _lastSequence;
    private long _registering;
    private long _durableWatermark;
    private long _dirtyBytes;
    private long _watermarkAdvancedAt;
    private WriteBehindFlusher? _flusher;

    /// <summary>Raised (without blocking) when a flush should start before its interval: thresholds, waiters.</summary>
    public event Action? FlushRequested;

    public StorageMetrics Metrics => metrics;

    public long LastSequence => Volatile.Read(ref _lastSequence);

    public long DurableWatermark => Volatile.Read(ref _durableWatermark);

    public int DirtyNamespaces => Volatile.Read(ref _dirtyCount);

    /// <summary>Account loads waiting for a request to go (every allowed one is in flight).</summary>
    public int LoadsWaiting => _loader.Waiting;

    /// <summary>Time since the latest account load failed, while none has succeeded since; null otherwise.</summary>
    public TimeSpan? SinceLoadsFailing => _loader.SinceLoadsFailing;

    public long DirtyBytes => Volatile.Read(ref _dirtyBytes);

    /// <summary>Age of the longest-waiting dirty namespace, or zero.</summary>
    public TimeSpan OldestDirtyAge
    {
        get
        {
            var oldest = long.MaxValue;
            foreach (var (_, entry) in _dirty) // the enumerator takes no lock and copies nothing
            {
                oldest = Math.Min(oldest, entry.SinceTimestamp);
            }

            return oldest == long.MaxValue ? TimeSpan.Zero : Stopwatch.GetElapsedTime(oldest);
        }
    }

    /// <summary>The gauges next to <see cref="StorageMetrics"/>' counters, read when a collector asks.</summary>
    internal void PublishGauges()
    {
        if (metrics.Meter is not { } meter)
        {
            return;
        }

        var tag = metrics.ProviderTag;
        meter.Gauge("dynamodb.storage.dirty_namespaces", "{namespace}", "Namespaces waiting to be written.", () => DirtyNamespaces, tag);
        meter.Gauge("dynamodb.storage.dirty", "By", "Estimated size of the items waiting to be written.", () => DirtyBytes, tag);
        meter.Gauge("dynamodb.storage.oldest_dirty_age", "s", "Age of the longest-waiting dirty namespace.", () => OldestDirtyAge.TotalSeconds, tag);
        meter.Gauge("dynamodb.storage.durable_watermark", "{write}", "Every write numbered up to this is durable.", () => DurableWatermark, tag);
        meter.Gauge("dynamodb.storage.loads_waiting", "{account}", "Account loads waiting for a request slot.", () => LoadsWaiting, tag);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var target = AccountStateOf(grainState);
        var accountId = grainId.Key.ToString()!;
        if (options.ActivateBeforeLoad)
        {
            // Not bound to the activation's token: the load outlives this call, and the grain waits for it itself.
            var loading = _loader.LoadAsync(accountId, CancellationToken.None);
            loading.Ignore(); // observed even if the grain leaves before it takes it in (it asks again when it fails)
            target.State = new AccountState { Loading = loading };
            target.RecordExists = false; // not known yet
            return;
        }

        target.State = await _loader.LoadAsync(accountId, cancellationToken).ConfigureAwait(false);
        target.RecordExists = target.State.Namespaces.Length > 0;
    }

    public bool Covers(AccountState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Loading is null && _loader.Covers(state);
    }

    public async Task<LateNamespaces> LoadUncoveredAsync(string accountId, AccountState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Loading is not { } loading)
        {
            return await _loader.LoadUncoveredAsync(accountId, state, cancellationToken).ConfigureAwait(false);
        }

        // A load that failed (DynamoDB away while the account activated) is asked again by whoever waits for it next.
        var loaded = loading.IsFaulted || loading.IsCanceled
            ? await _loader.LoadAsync(accountId, cancellationToken).ConfigureAwait(false)
            : await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new LateNamespaces(loaded.LoadedOver, loaded.Namespaces.ToArray()) { IsWholeLoad = true };
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Register(grainId.Key.ToString()!, StateOf(AccountStateOf(grainState)));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes the namespaces of <paramref name="state"/> that changed since the last call into the dirty set and
    /// numbers the change; the number is recorded on the state (<see cref="AccountState.LastWriteSequence"/>).
    /// </summary>
    private long Register(string key, AccountState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        long sequence;
        var changes = 0;
        // The watermark computation skips a round while a registration is between taking its sequence number and
        // entering the dirty set, so it can never declare a number durable that it has not seen yet.
        Interlocked.Increment(ref _registering);
        try
        {
            sequence = Interlocked.Increment(ref _lastSequence);
            foreach (var ns in state.Namespaces)
            {
                if (ns.HasUnsavedChange)
                {
                    MarkDirty(key, ns, sequence);
                    changes++;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _registering);
        }

        metrics.NamespaceChanges.Add(changes);
        state.ClearChanged();
        state.LastWriteSequence = sequence;
        if (DirtyNamespaces >= writeBehind.FlushAtDirtyNamespaces || DirtyBytes >= writeBehind.FlushAtDirtyBytes)
        {
            FlushRequested?.Invoke();
        }

        return sequence;
    }

    /// <summary>Erases the account: every namespace becomes a tombstone, deleted by the next flush.</summary>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var target = AccountStateOf(grainState);
        var state = StateOf(target);
        state.MarkAllDeleted(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Register(grainId.Key.ToString()!, state);
        target.RecordExists = false;
        return Task.CompletedTask;
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // The stage Orleans' own storage providers use: started before grains can activate, stopped after every grain
        // has deactivated, so the final flush carries everything, and before the silo leaves the cluster.
        lifecycle.Subscribe($"{nameof(DynamoAccountStorage)}-{name}", ServiceLifecycleStage.ApplicationServices, StartAsync, StopAsync);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.CreateTableIfMissing)
        {
            await AccountTable.CreateIfMissingAsync(client, options.TableName, cancellationToken).ConfigureAwait(false);
        }

        _flusher = new WriteBehindFlusher(this, writeBehind, logger);
        _flusher.Start();
        LogStarted(logger, name, options.TableName);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_flusher is { } flusher)
        {
            await flusher.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static AccountState StateOf(IGrainState<AccountState> grainState) =>
        grainState.State ?? throw new InvalidOperationException("The grain's state was never read.");

    private static IGrainState<AccountState> AccountStateOf<T>(IGrainState<T> grainState) =>
        grainState as IGrainState<AccountState>
        ?? throw new NotSupportedException($"{nameof(DynamoAccountStorage)} stores {nameof(AccountState)} only, not {typeof(T).Name}.");

    public bool HasPendingWrites(AccountState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.HasChanges)
        {
            return true;
        }

        foreach (var ns in state.Namespaces)
        {
            if (ns.PendingSince > 0)
            {
                return true;
            }
        }

        return false;
    }

    public Task WhenDurableAsync(AccountState state, bool flushNow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return WaitForDurabilityAsync(state.LastWriteSequence, flushNow, cancellationToken);
    }

    /// <summary>Completes when the write numbered <paramref name="writeToken"/> (and every earlier one) is durable.</summary>
    private Task WaitForDurabilityAsync(long writeToken, bool flushNow, CancellationToken cancellationToken)
    {
        if (writeToken <= DurableWatermark)
        {
            return Task.CompletedTask;
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersGate)
        {
            _waiters.Add((writeToken, completion));
        }

        if (flushNow)
        {
            FlushRequested?.Invoke();
        }

        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>One flush: writes every dirty namespace not already being written, then advances the watermark.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var pending = new List<(NamespaceState Namespace, DirtyNamespace Entry)>(DirtyNamespaces);
            foreach (var (ns, entry) in _dirty)
            {
                if (!entry.InFlight)
                {
                    entry.InFlight = true;
                    pending.Add((ns, entry));
                }
            }

            try
            {
                if (pending.Count > 0)
                {
                    // Oldest first: when DynamoDB is the bottleneck, what waits longest goes first, and what changed
                    // recently keeps absorbing updates until its turn.
                    pending.Sort(static (a, b) => a.Entry.SinceTimestamp.CompareTo(b.Entry.SinceTimestamp));
                    await WriteAllAsync(pending, cancellationToken).ConfigureAwait(false);
                    metrics.Flushes.Increment();
                    metrics.FlushEnded(started);
                }
            }
            finally
            {
                // Even when a write failed unexpectedly, what the others made durable counts.
                AdvanceWatermark();
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private async Task WriteAllAsync(List<(NamespaceState Namespace, DirtyNamespace Entry)> pending, CancellationToken cancellationToken)
    {
        using var concurrency = new SemaphoreSlim(writeBehind.MaxConcurrentBatches);
        var batches = new List<Task>((pending.Count / BatchSize) + 1);
        try
        {
            for (var offset = 0; offset < pending.Count; offset += BatchSize)
            {
                await concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);

                // Snapshots are taken when their batch is about to go, not when the flush started: a long flush
                // then writes the latest state, and anything changed after this point is numbered above `seen`.
                var seen = LastSequence;
                var slice = new List<PendingWrite>(BatchSize);
                for (var i = offset; i < Math.Min(offset + BatchSize, pending.Count); i++)
                {
                    slice.Add(PendingWrite.Of(pending[i].Namespace, pending[i].Entry));
                }

                batches.Add(WriteBatchAsync(slice, seen, concurrency, cancellationToken));
            }
        }
        finally
        {
            // Whatever happened (cancellation included), every write of this flush has ended before the next one
            // may start, and whatever is still dirty is free to be picked up again.
            await Task.WhenAll(batches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var (_, entry) in pending)
            {
                entry.InFlight = false;
            }
        }

        await Task.WhenAll(batches).ConfigureAwait(false); // surfaces a batch's unexpected failure
    }

    private void MarkDirty(string accountId, NamespaceState ns, long sequence)
    {
        lock (ns)
        {
            if (ns.PendingSince == 0)
            {
                ns.PendingSince = sequence;
            }

            if (!ns.IsQueued)
            {
                ns.IsQueued = true;
                if (_dirty.TryAdd(ns, new DirtyNamespace(accountId, Stopwatch.GetTimestamp()) { Bytes = ns.ItemBytes }))
                {
                    Interlocked.Increment(ref _dirtyCount);
                    Interlocked.Add(ref _dirtyBytes, ns.ItemBytes);
                }
            }
            else if (_dirty.TryGetValue(ns, out var entry) && entry.Bytes != ns.ItemBytes)
            {
                // The item grew or shrank (an erase makes it 0) while queued: count what it is now.
                Interlocked.Add(ref _dirtyBytes, ns.ItemBytes - entry.Bytes);
                entry.Bytes = ns.ItemBytes;
            }
        }
    }

    /// <summary>
    /// Writes a slice of items, each on its own conditional request, all in flight at once. An item that keeps
    /// failing for this flush's attempts stays dirty for the next one.
    /// </summary>
    private async Task WriteBatchAsync(List<PendingWrite> batch, long seen, SemaphoreSlim concurrency, CancellationToken cancellationToken)
    {
        try
        {
            var written = await Task.WhenAll(batch.Select(write => WriteItemAsync(write, seen, cancellationToken))).ConfigureAwait(false);
            if (written.Contains(false))
            {
                metrics.FailedBatches.Increment();
            }
        }
        finally
        {
            concurrency.Release();
        }

        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _watermarkAdvancedAt)) >= WatermarkMidFlushInterval)
        {
            AdvanceWatermark();
        }
    }

    /// <summary>Writes one item (see <see cref="ConditionalItemWriter"/>); a write given up on stays dirty for the next flush.</summary>
    private async Task<bool> WriteItemAsync(PendingWrite write, long seen, CancellationToken cancellationToken)
    {
        if (await _writer.WriteAsync(write.Entry.AccountId, write.Snapshot, write.ExpectedVersion, cancellationToken).ConfigureAwait(false) is not { } written)
        {
            write.Entry.InFlight = false;
            return false;
        }

        Completed(write, written.Item, written.Version, written.Merged, seen);
        return true;
    }

    private void Completed(PendingWrite write, NamespaceFeatures written, long version, bool merged, long seen)
    {
        metrics.ItemWrites.Increment();
        var ns = write.Namespace;
        lock (ns)
        {
            ns.Durable = written.IsDeleted ? null : written;
            ns.StoredVersion = version;
            if (merged)
            {
                ns.MergedByStorage = written; // the grain takes the other activation's newer features at its next turn
            }

            if (ReferenceEquals(ns.Current, write.Source))
            {
                ns.PendingSince = 0;
                ns.IsQueued = false;
                if (_dirty.TryRemove(ns, out var removed))
                {
                    Interlocked.Decrement(ref _dirtyCount);
                    Interlocked.Add(ref _dirtyBytes, -removed.Bytes);
                }
            }
            else
            {
                // Changed while in flight: what is left pending was numbered after `seen`.
                ns.PendingSince = seen + 1;
                write.Entry.InFlight = false;
            }
        }
    }

    private void AdvanceWatermark()
    {
        for (var spin = new SpinWait(); ; spin.SpinOnce())
        {
            var last = LastSequence;
            if (Interlocked.Read(ref _registering) != 0)
            {
                if (spin.Count > 100)
                {
                    return; // busy: the next flush advances it
                }

                continue;
            }

            var lowestPending = last + 1;
            foreach (var (ns, _) in _dirty)
            {
                var since = ns.PendingSince;
                if (since > 0 && since < lowestPending)
                {
                    lowestPending = since;
                }
            }

            // Raised, never lowered: groups of writes ending together each walk the dirty set, and the walk that
            // started first can finish last with a lower figure.
            var watermark = lowestPending - 1;
            for (var current = Volatile.Read(ref _durableWatermark); watermark > current;)
            {
                var seen = Interlocked.CompareExchange(ref _durableWatermark, watermark, current);
                if (seen == current)
                {
                    break;
                }

                current = seen;
            }

            Volatile.Write(ref _watermarkAdvancedAt, Stopwatch.GetTimestamp());
            break;
        }

        ReleaseWaiters();
    }

    private void ReleaseWaiters()
    {
        var watermark = DurableWatermark;
        List<TaskCompletionSource>? ready = null;
        lock (_waitersGate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Token <= watermark)
                {
                    (ready ??= []).Add(_waiters[i].Completion);
                    _waiters.RemoveAt(i);
                }
            }
        }

        ready?.ForEach(c => c.TrySetResult());
    }

    public void Dispose()
    {
        // The semaphores (the flush gate, the loader's) are left alone: a flush or load the disposal just cut short
        // still releases them on its way out.
        _flusher?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage {Name}: write-behind to DynamoDB table {Table}")]
    private static partial void LogStarted(ILogger logger, string name, string table);


    /// <summary>
    /// One item to write: <see cref="Source"/> is the grain's snapshot when the write was taken (to tell later
    /// changes apart), <see cref="Snapshot"/> what is written (the source merged with what a conflict found before).
    /// </summary>
    private readonly record struct PendingWrite(NamespaceState Namespace, DirtyNamespace Entry, NamespaceFeatures Source, NamespaceFeatures Snapshot, long ExpectedVersion)
    {
        public static PendingWrite Of(NamespaceState ns, DirtyNamespace entry)
        {
            NamespaceFeatures source;
            NamespaceFeatures? merged;
            lock (ns)
            {
                // Together: the grain takes a storage merge into Current under the same lock, so this sees either
                // the merge still pending or a Current that holds it, never neither.
                source = ns.Current;
                merged = ns.MergedByStorage;
            }

            var snapshot = merged is not null && !source.IsDeleted ? NamespaceMerge.Merge(source, merged, source.UpdatedAt) : source;
            return new PendingWrite(ns, entry, source, snapshot, ns.StoredVersion);
        }
    }
}
