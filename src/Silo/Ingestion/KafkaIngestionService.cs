using System.Diagnostics;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Kafka;
using AccountMetadata.Silo.Schemas;
using AccountMetadata.Persistence.DynamoDB;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// The stream provider: a consumer-group member on the ingest topic that feeds account grains.
/// <list type="bullet">
/// <item>A poll batch is parsed (Utf8JsonReader), checked against the namespace schemas, grouped by account, and each
/// account grain gets one call with all its updates. Anything that cannot be applied goes to the dead-letter topic.</item>
/// <item>At least once, never loss: each account gets its updates (visible as soon as the call returns), then a
/// <c>WhenDurableAsync</c> call that returns once they are durable in DynamoDB, on whichever silo the grain lives. A
/// batch's offsets are committed only once every account's durability call has returned. A crash replays from the
/// last commit; last-writer-wins makes it harmless.</item>
/// <item>Backpressure: partitions pause while too many batches are in flight or too much state waits for DynamoDB.</item>
/// <item>Rebalance: a revoked partition's in-flight batches finish (their writes durable) and are committed. Grains
/// stay where Orleans placed them: every silo's consumer writes to the account's one activation.</item>
/// </list>
/// All consumer calls happen on one dedicated thread; grain calls run on the thread pool.
/// </summary>
public sealed partial class KafkaIngestionService(
    KafkaOptions kafka,
    IngestionOptions options,
    IGrainFactory grains,
    DynamoAccountStorage storage,
    NamespaceSchemaRegistry schemas,
    NameInterner names,
    IngestionMetrics metrics,
    TimeProvider time,
    ILogger<KafkaIngestionService> logger) : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);

    private readonly Queue<InFlightBatch> _inFlight = new();
    private readonly Dictionary<int, long> _toCommit = [];
    private readonly Dictionary<int, (long Offset, DateTimeOffset At)> _committed = [];
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private IProducer<byte[]?, byte[]>? _deadLetters;
    private bool _paused;
    private int _pausedAssignmentCount;
    private long _lastCommit = Stopwatch.GetTimestamp();
    private long _lastStatus;
    private CancellationToken _stopping;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return Task.CompletedTask;
        }

        _stopping = stoppingToken;
        return Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run()
    {
        var config = KafkaClientConfigs.Consumer(kafka, kafka.ConsumerGroup);
        config.EnableAutoOffsetStore = false;
        config.FetchMinBytes ??= 64 * 1024;          // batched fetches...
        config.FetchWaitMaxMs ??= 25;                // ...that still keep features visible within tens of ms
        config.MaxPartitionFetchBytes ??= 4 * 1024 * 1024;
        config.QueuedMaxMessagesKbytes ??= 64 * 1024;
        config.MaxPollIntervalMs ??= 300_000;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
            .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked, commit: true))
            .SetPartitionsLostHandler((_, lost) => OnRevoked(lost, commit: false))
            .SetErrorHandler((_, error) => LogKafkaError(logger, error.Code, error.Reason))
            .Build();
        using var deadLetters = new ProducerBuilder<byte[]?, byte[]>(KafkaClientConfigs.Producer(kafka)).Build();
        _consumer = consumer;
        _deadLetters = deadLetters;
        consumer.Subscribe(kafka.IngestTopic);
        LogStarted(logger, kafka.IngestTopic, kafka.ConsumerGroup, KafkaLibrary.Version);

        var batch = new List<ConsumeResult<byte[]?, byte[]?>>(options.MaxBatchMessages);
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                batch.Clear();
                try
                {
                    Poll(consumer, batch);
                }
                catch (ConsumeException exception) when (!exception.Error.IsFatal)
                {
                    // Transient (topic not created yet, broker moving leaders): librdkafka recovers by itself.
                    LogKafkaError(logger, exception.Error.Code, exception.Error.Reason);
                    _stopping.WaitHandle.WaitOne(PollTimeout);
                }

                if (batch.Count > 0)
                {
                    _inFlight.Enqueue(Dispatch(batch));
                    metrics.Batches.Increment();
                }

                CommitDurable(force: false);
                ApplyBackpressure(consumer);
                RefreshStatus(consumer);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }

        Drain();
        consumer.Close(); // leaves the group, so the partitions move to the other silos at once
        deadLetters.Flush(TimeSpan.FromSeconds(10));
        _consumer = null;
    }

    private void Poll(IConsumer<byte[]?, byte[]?> consumer, List<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        var first = consumer.Consume(PollTimeout);
        if (first is null)
        {
            return;
        }

        batch.Add(first);
        var deadline = Stopwatch.GetTimestamp() + (long)(options.MaxBatchWait.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < options.MaxBatchMessages)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            var next = consumer.Consume(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            if (next is null)
            {
                return;
            }

            batch.Add(next);
        }
    }

    /// <summary>Parses, validates and groups a batch, then starts one grain call sequence per account.</summary>
    private InFlightBatch Dispatch(List<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        var inFlight = new InFlightBatch();
        var accounts = new Dictionary<string, AccountWork>(StringComparer.Ordinal);
        var latestTimestamp = FeatureMessageParser.LatestTimestamp(time.GetUtcNow());
        foreach (var result in batch)
        {
            inFlight.Track(result.Partition.Value, result.Offset.Value);
            var value = result.Message.Value;
            if (value is null || value.Length == 0)
            {
                inFlight.Add(RetryAsync(DeadLetterLabel, () => DeadLetterAsync(result, new ParseOutcome(DeadLetterReason.NotJson, "the message has no value"))));
                continue;
            }

            if (!FeatureMessageParser.TryParse(value, names, latestTimestamp, out var message, out var failure))
            {
                inFlight.Add(RetryAsync(DeadLetterLabel, () => DeadLetterAsync(result, failure)));
                continue;
            }

            if (schemas.Check(message) is { } refused)
            {
                inFlight.Add(RetryAsync(DeadLetterLabel, () => DeadLetterAsync(result, refused)));
                continue;
            }

            if (!accounts.TryGetValue(message.AccountId, out var work))
            {
                accounts[message.AccountId] = work = new AccountWork(message.AccountId);
            }

            if (message.Kind == FeatureMessageKind.Erase)
            {
                work.AddErase();
            }
            else
            {
                work.AddUpdate(message.ToUpdate(), result);
            }
        }

        metrics.Consumed.Add(batch.Count);
        if (metrics.FirstMessageAtUnixMs == 0)
        {
            metrics.FirstMessageAtUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        }

        foreach (var work in accounts.Values)
        {
            var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            inFlight.AddApplied(delivered.Task);
            inFlight.Add(DeliverAsync(work, delivered));
        }

        return inFlight;
    }

    /// <summary>
    /// Delivers an account's steps, signals <paramref name="applied"/> once they are in the grain's memory, then waits
    /// until that same activation says they are durable. When another activation answers (the one that applied them
    /// died before its flush), the steps are applied again: last writer wins makes that harmless.
    /// </summary>
    private async Task DeliverAsync(AccountWork work, TaskCompletionSource applied)
    {
        try
        {
            var grain = grains.GetGrain<IAccountGrain>(work.AccountId);
            for (var delivery = 1; ; delivery++)
            {
                var activation = await ApplyStepsAsync(grain, work, countMetrics: delivery == 1).ConfigureAwait(false);
                applied.TrySetResult();
                var durable = false;
                await RetryAsync(work.AccountId, async () => durable = activation is { } id && await grain.WhenDurableAsync(id).ConfigureAwait(false))
                    .ConfigureAwait(false);
                if (durable)
                {
                    return;
                }

                metrics.Redelivered.Increment();
                LogRedelivered(logger, work.AccountId);
            }
        }
        finally
        {
            applied.TrySetResult();
        }
    }

    /// <summary>
    /// The account's steps in order, each retried until it succeeds. Returns the activation that took all of them, or
    /// null when they landed on different activations (one was lost in between): then none can be promised.
    /// </summary>
    private async Task<Guid?> ApplyStepsAsync(IAccountGrain grain, AccountWork work, bool countMetrics)
    {
        Guid? activation = null;
        var first = true;
        foreach (var step in work.Steps)
        {
            var took = Guid.Empty;
            await RetryAsync(work.AccountId, async () =>
            {
                if (step.IsErase)
                {
                    took = (await grain.DeleteAsync().ConfigureAwait(false)).Activation;
                    if (countMetrics)
                    {
                        metrics.Erased.Increment();
                    }

                    return;
                }

                var result = await grain.ApplyAsync(new Immutable<FeatureUpdate[]>(step.Updates.ToArray())).ConfigureAwait(false);
                took = result.Activation;
                if (!countMetrics)
                {
                    return; // a redelivery: counted the first time, dead letters already sent
                }

                metrics.Applied.Add(result.Applied);
                metrics.IgnoredAsOlder.Add(result.IgnoredAsOlder);
                metrics.Replayed.Add(result.Replayed);
                foreach (var rejected in result.Rejected)
                {
                    await DeadLetterAsync(step.Sources[rejected.Index], new ParseOutcome(DeadLetterReasons.From(rejected.Reason), rejected.Detail))
                        .ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            activation = first || activation == took ? took : null;
            first = false;
        }

        return activation;
    }

    /// <summary>
    /// Runs a delivery until it succeeds: a failing grain call (storage down during activation, a call timing out
    /// while DynamoDB is slow) or dead-letter produce (broker away) is retried with backoff, never skipped, so no
    /// batch can fail and hold every later commit behind it. Every delivery here is idempotent. Only stopping ends it;
    /// what it did not deliver is not committed and is replayed.
    /// </summary>
    private async Task RetryAsync(string accountId, Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call().ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (!_stopping.IsCancellationRequested)
            {
                metrics.GrainCallRetries.Increment();
                if (attempt == 1 || attempt % 20 == 0)
                {
                    // Thousands of accounts fail together when storage is down: log a sample, count them all.
                    LogGrainCallRetry(logger, exception, accountId, attempt);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 50 * Math.Pow(2, Math.Min(attempt, 10)))), _stopping).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What a retried dead-letter delivery is logged as.</summary>
    private const string DeadLetterLabel = "(dead letter)";

    private Task<DeliveryResult<byte[]?, byte[]>> DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> source, ParseOutcome failure)
    {
        metrics.DeadLettered(failure.Reason).Increment();
        var envelope = DeadLetterEnvelope.Create(
            failure.Reason, failure.Detail, source.Topic, source.Partition.Value, source.Offset.Value, source.Message.Key, source.Message.Value, time.GetUtcNow());
        // Keyed like the source, so an account's dead letters stay in order too.
        return _deadLetters!.ProduceAsync(kafka.DeadLetterTopic, new Message<byte[]?, byte[]> { Key = source.Message.Key, Value = envelope });
    }

    /// <summary>
    /// Commits the offsets of the oldest batches whose grain calls have all returned, which the grains do only once
    /// their writes are durable.
    /// </summary>
    private void CommitDurable(bool force)
    {
        while (_inFlight.Count > 0)
        {
            var head = _inFlight.Peek();
            if (!head.Completion.IsCompletedSuccessfully)
            {
                if (head.Completion.IsFaulted && !head.FailureReported)
                {
                    // Cannot happen while deliveries retry until stopped; if it does, say so: nothing behind it commits.
                    head.FailureReported = true;
                    LogBatchFailed(logger, head.Completion.Exception!);
                }

                break;
            }

            _inFlight.Dequeue();
            foreach (var (partition, offset) in head.NextOffsets)
            {
                _toCommit[partition] = Math.Max(_toCommit.GetValueOrDefault(partition), offset);
            }
        }

        if (_toCommit.Count == 0 || (!force && Stopwatch.GetElapsedTime(_lastCommit) < options.CommitInterval))
        {
            return;
        }

        var assigned = _consumer!.Assignment.Select(tp => tp.Partition.Value).ToHashSet();
        var offsets = _toCommit.Where(p => assigned.Contains(p.Key))
            .Select(p => new TopicPartitionOffset(kafka.IngestTopic, p.Key, p.Value)).ToList();
        _toCommit.Clear();
        _lastCommit = Stopwatch.GetTimestamp();
        if (offsets.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            _consumer.Commit(offsets);
            metrics.Commits.Increment();
            metrics.CommitLatency.RecordSince(started);
            var now = time.GetUtcNow();
            foreach (var offset in offsets)
            {
                _committed[offset.Partition.Value] = (offset.Offset.Value, now);
            }
        }
        catch (KafkaException exception)
        {
            // Not lost: these offsets are committed with the next ones, or replayed after a rebalance.
            LogCommitFailed(logger, exception, exception.Error.Reason);
            foreach (var offset in offsets)
            {
                _toCommit[offset.Partition.Value] = Math.Max(_toCommit.GetValueOrDefault(offset.Partition.Value), offset.Offset.Value);
            }
        }
    }

    private void ApplyBackpressure(IConsumer<byte[]?, byte[]?> consumer)
    {
        var busy = _inFlight.Count(b => !b.Applied.IsCompleted);
        var dirty = storage.DirtyNamespaces;
        var bytes = storage.DirtyBytes;
        var uncommitted = UncommittedMessages();
        // Storage first: grain calls wait for durability, so a slow DynamoDB also fills the batches in flight, and
        // the operator should read the cause, not the symptom.
        string? reason = dirty >= options.PauseAtDirtyNamespaces ? $"{dirty} namespaces waiting for DynamoDB"
            : bytes >= options.PauseAtDirtyBytes ? $"{bytes} bytes waiting for DynamoDB"
            : uncommitted >= options.PauseAtUncommittedMessages ? $"{uncommitted} consumed messages waiting for DynamoDB"
            : busy >= options.MaxBatchesInFlight ? $"{busy} batches waiting for grains to apply them"
            : null;
        var assignment = consumer.Assignment;
        if (reason is not null)
        {
            if (!_paused || _pausedAssignmentCount != assignment.Count)
            {
                consumer.Pause(assignment);
                _pausedAssignmentCount = assignment.Count;
                if (!_paused)
                {
                    LogPaused(logger, reason);
                }

                _paused = true;
            }

            metrics.IsPaused = true;
            metrics.PauseReason = reason; // the current reason, which may change while paused
        }
        else if (_paused && busy < Math.Max(1, options.MaxBatchesInFlight / 2) && dirty < options.PauseAtDirtyNamespaces / 2 && bytes < options.PauseAtDirtyBytes / 2
                 && uncommitted < options.PauseAtUncommittedMessages / 2)
        {
            consumer.Resume(assignment);
            _paused = false;
            metrics.IsPaused = false;
            metrics.PauseReason = null;
            LogResumed(logger);
        }
    }

    private void RefreshStatus(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (Stopwatch.GetElapsedTime(_lastStatus) < StatusInterval)
        {
            return;
        }

        _lastStatus = Stopwatch.GetTimestamp();
        foreach (var tp in consumer.Assignment)
        {
            var watermarks = consumer.GetWatermarkOffsets(tp);
            var position = consumer.Position(tp);
            var committed = _committed.GetValueOrDefault(tp.Partition.Value, (-1, default));
            metrics.Partitions[tp.Partition.Value] = new PartitionStatus(
                tp.Partition.Value,
                position.IsSpecial ? -1 : position.Value,
                watermarks.High.IsSpecial ? -1 : watermarks.High.Value,
                committed.Offset,
                committed.Offset < 0 ? null : committed.At,
                _paused);
        }
    }

    private void OnAssigned(List<TopicPartition> assigned)
    {
        int[] partitions = [.. assigned.Select(p => p.Partition.Value)];
        LogAssigned(logger, partitions);
        _pausedAssignmentCount = -1; // re-pause the new assignment if backpressure is on
    }

    /// <summary>
    /// Revoked (or lost) partitions: let their in-flight batches finish (each grain call returns once durable) and
    /// commit them, so the partitions' next owner replays as little as possible.
    /// </summary>
    private void OnRevoked(List<TopicPartitionOffset> revoked, bool commit)
    {
        int[] revokedPartitions = [.. revoked.Select(p => p.Partition.Value)];
        LogRevoked(logger, revokedPartitions, commit);
        try
        {
            Task.WhenAll(_inFlight.Select(b => b.Completion)).Wait(options.RevokeFlushTimeout);
        }
#pragma warning disable CA1031 // a slow or failing batch must not stop the rebalance: the new owner replays what is not committed
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogRevokeFlushIncomplete(logger, exception);
        }

        if (commit)
        {
            CommitDurable(force: true);
        }

        var gone = revoked.Select(p => p.Partition.Value).ToHashSet();
        _toCommit.Clear();
        foreach (var batch in _inFlight)
        {
            foreach (var partition in gone)
            {
                batch.NextOffsets.Remove(partition);
            }
        }

        foreach (var partition in gone)
        {
            metrics.Partitions.TryRemove(partition, out _);
            _committed.Remove(partition);
        }
    }

    /// <summary>Consumed, not yet committed: what a crash now would make the next owner replay.</summary>
    private long UncommittedMessages() => _inFlight.Sum(b => (long)b.Messages);

    /// <summary>On stop: let outstanding work finish, make it durable, commit it.</summary>
    private void Drain()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            Task.WhenAll(_inFlight.Select(b => b.Completion)).Wait(TimeSpan.FromSeconds(30));
        }
#pragma warning disable CA1031 // whatever is not durable is simply not committed, and is replayed on the next start
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogRevokeFlushIncomplete(logger, exception);
        }

        CommitDurable(force: true);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var uncommitted = UncommittedMessages();
        LogDrained(logger, (long)elapsed.TotalMilliseconds, uncommitted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion stopped: drained and committed in {Milliseconds} ms; {Uncommitted} consumed messages left uncommitted (replayed by the next owner)")]
    private static partial void LogDrained(ILogger logger, long milliseconds, long uncommitted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingesting from {Topic} in group {Group} (librdkafka {LibrdkafkaVersion})")]
    private static partial void LogStarted(ILogger logger, string topic, string group, string librdkafkaVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partitions assigned: {Partitions}")]
    private static partial void LogAssigned(ILogger logger, int[] partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partitions revoked: {Partitions} (commit: {Commit})")]
    private static partial void LogRevoked(ILogger logger, int[] partitions, bool commit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka: {Code} {Reason}")]
    private static partial void LogKafkaError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offset commit failed ({Reason}); retrying with the next commit")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery for account {AccountId} failed (attempt {Attempt}); retrying")]
    private static partial void LogGrainCallRetry(ILogger logger, Exception exception, string accountId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId}: the activation that took its updates is gone before they were durable; delivering them again")]
    private static partial void LogRedelivered(ILogger logger, string accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A consumed batch failed to be delivered; its offsets and every later batch's stay uncommitted (replayed after a restart)")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pausing consumption: {Reason}")]
    private static partial void LogPaused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming consumption")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not everything became durable in time; uncommitted messages will be replayed")]
    private static partial void LogRevokeFlushIncomplete(ILogger logger, Exception exception);
}
