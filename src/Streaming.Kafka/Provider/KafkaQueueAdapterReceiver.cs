using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Pulls one partition for the silo Orleans' queue balancer gave it to. The partition is assigned by hand (no group
/// membership, so no rebalance storms: Orleans moves queues); the consumer group only keeps committed offsets, and a
/// new owner starts from the last commit. Reads never block the agent: librdkafka prefetches in the background and a
/// read takes what has arrived. An offset is committed only when every record before it was delivered (the
/// consumer's delivery returned: for a consumer that acknowledges only durable state, durable) or dead-lettered with
/// the broker's acknowledgement. A failed commit is simply retried with the next one.
/// </summary>
internal sealed partial class KafkaQueueAdapterReceiver(
    string providerName,
    PartitionSession session,
    KafkaStreamOptions options,
    IKafkaMessageMapper mapper,
    IProducer<byte[]?, byte[]> deadLetters,
    KafkaStreamStatistics statistics,
    TimeProvider time,
    ILogger logger) : IQueueAdapterReceiver, IDisposable
{
    private static readonly IList<IBatchContainer> Nothing = Array.Empty<IBatchContainer>();
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PositionRetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ErrorLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long one read may wait for the committed offset (it blocks that read of the agent).</summary>
    private static readonly TimeSpan PositionTimeout = TimeSpan.FromSeconds(2);

    private readonly List<ConsumeResult<byte[]?, byte[]?>> _records = new(options.MaxMessagesPerRead);
    private readonly KafkaReadMapping _mapping = new();
    private readonly CancellationTokenSource _stopping = new();
    private CancellationToken Stopping => _stoppingToken ??= _stopping.Token;
    private CancellationToken? _stoppingToken;
    private readonly TopicPartition _partition = new(options.Topic, session.Partition);
    private IConsumer<byte[]?, byte[]?>? _consumer;
    private Task _commit = Task.CompletedTask;
    private long _committedOffset = -1;
    private DateTimeOffset? _committedAt;
    private DateTimeOffset? _caughtUpAt;
    private long _lastCommitStarted;
    private long _lastStatus;
    private bool _positioned;
    private Confluent.Kafka.ErrorCode _lastErrorCode;
    private long _lastErrorLogged;
    private int _suppressedErrors;
    private long _lastPositionAttempt;
    private Offset _resetOffset = Offset.Beginning;

    public Task Initialize(TimeSpan timeout)
    {
        var config = new ConsumerConfig(options.Consumer.ToDictionary(setting => setting.Key, setting => setting.Value))
        {
            GroupId = options.ConsumerGroup,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
        };
        config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
        config.FetchMinBytes ??= 64 * 1024;          // batched fetches...
        config.FetchWaitMaxMs ??= 25;                // ...that still keep records flowing within tens of ms
        config.MaxPartitionFetchBytes ??= 4 * 1024 * 1024;
        config.QueuedMaxMessagesKbytes ??= 16 * 1024; // per partition: a silo may pull many
        _resetOffset = config.AutoOffsetReset == AutoOffsetReset.Latest ? Offset.End : Offset.Beginning;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, error) => KafkaError(error.Code, error.Reason))
            .SetLogHandler((_, message) => LogLibrdkafka(logger, providerName, session.Partition, message.Facility, message.Message)) // not raw to stderr
            .Build();
        TryPosition(_consumer); // usually done here; otherwise the next reads try again
        PublishStatusBeforeFirstRead(_consumer);
        return Task.CompletedTask;
    }

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var consumer = _consumer;
        if (consumer is null)
        {
            return Task.FromResult(Nothing);
        }

        if (!_positioned && !TryPosition(consumer))
        {
            return Task.FromResult(Nothing);
        }

        CommitIfDue(force: false);
        RefreshStatus(consumer);
        // Never past what the silo may hold uncommitted (memory, and what a stop or a crash replays): a read takes at
        // most the room left, reserved ahead so that this silo's partitions reading at once cannot overshoot it.
        var wanted = maxCount > 0 ? Math.Min(maxCount, options.MaxMessagesPerRead) : options.MaxMessagesPerRead;
        var limit = statistics.ReserveUncommitted(wanted, options.MaxUncommittedMessages);
        if (limit == 0)
        {
            return Task.FromResult(Nothing);
        }

        _records.Clear();
        try
        {
            try
            {
                while (_records.Count < limit && consumer.Consume(TimeSpan.Zero) is { } record)
                {
                    _records.Add(record);
                }
            }
            catch (ConsumeException exception)
            {
                // Transient (leader moving, topic being created): librdkafka recovers by itself; keep what was read.
                KafkaError(exception.Error.Code, exception.Error.Reason);
            }

            return Task.FromResult(_records.Count == 0 ? Nothing : (IList<IBatchContainer>)MapRead(consumer));
        }
        finally
        {
            statistics.AddUncommitted(-limit); // what was read is counted by now (MapRead), the rest was never used
        }
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            ((KafkaBatchContainer)message).Read?.PartDone();
        }

        CommitIfDue(force: false);
        if (_consumer is { } consumer)
        {
            RefreshStatus(consumer);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Commits what is delivered, once more, and lets go of the partition. Deliveries still running are not waited
    /// for: what they carry is not committed, and the partition's next owner delivers it again.
    /// </summary>
    public async Task Shutdown(TimeSpan timeout)
    {
        var consumer = _consumer;
        if (consumer is null)
        {
            return;
        }

        if (session.Cache is { } cache && cache.TryPurgeFromCache(out var released))
        {
            foreach (var message in released)
            {
                ((KafkaBatchContainer)message).Read?.PartDone();
            }
        }

        await _commit.WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_commit.IsCompleted)
        {
            CommitIfDue(force: true);
            await _commit.WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _ = Stopping; // taken before the source is disposed: dead letters still retrying see it cancelled
        await _stopping.CancelAsync().ConfigureAwait(false);
        await session.Stopped.CancelAsync().ConfigureAwait(false);
        _consumer = null;
        var committed = Volatile.Read(ref _committedOffset);
        var uncommitted = session.Progress.UncommittedRecords;
        session.Progress.Abandon();
        if (committed < 0)
        {
            LogStoppedWithoutCommit(logger, providerName, session.Partition, uncommitted);
        }
        else
        {
            LogStopped(logger, providerName, session.Partition, committed, uncommitted);
        }
        statistics.Partitions.TryRemove(session.Partition, out _);
        try
        {
            consumer.Close();
        }
        finally
        {
            consumer.Dispose();
            Dispose();
        }
    }

    public void Dispose() => _stopping.Dispose();

    private IBatchContainer[] MapRead(IConsumer<byte[]?, byte[]?> consumer)
    {
        _mapping.Clear();
        try
        {
            mapper.Map(_records, _mapping);
        }
        catch (Exception exception)
        {
            // A mapper bug must not lose records: read them again (and fail again, visibly) rather than skip them.
            LogMapperFailed(logger, exception, providerName, session.Partition, _records[0].Offset.Value);
            consumer.Seek(new TopicPartitionOffset(_partition, _records[0].Offset));
            throw;
        }

        var read = session.Progress.Begin(_records[^1].Offset.Value + 1, _records.Count);
        var containers = new IBatchContainer[_mapping.Containers.Count];
        for (var i = 0; i < containers.Length; i++)
        {
            var container = _mapping.Containers[i];
            container.Read = read;
            read.AddPart();
            containers[i] = container;
        }

        foreach (var (source, value) in _mapping.DeadLetters)
        {
            read.AddPart();
            _ = DeadLetterAsync(source, value, read);
        }

        read.PartDone(); // every part is counted in
        statistics.Read(_records.Count);
        return containers;
    }

    /// <summary>Produces a dead letter until the broker acknowledges it (or the partition leaves this silo).</summary>
    private async Task DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> source, byte[] value, ConsumedRead read)
    {
        var message = new Message<byte[]?, byte[]> { Key = source.Message.Key, Value = value };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await deadLetters.ProduceAsync(options.DeadLetterTopic, message, Stopping).ConfigureAwait(false);
                statistics.DeadLettered();
                read.PartDone();
                return;
            }
            catch (Exception exception) when (!Stopping.IsCancellationRequested)
            {
                if (attempt == 1 || attempt % 20 == 0)
                {
                    LogDeadLetterRetry(logger, exception, providerName, session.Partition, source.Offset.Value, attempt);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 50 << Math.Min(attempt, 7))), Stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return; // not acknowledged, so not committed: the next owner reads it again
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Starts a commit of the offset everything before which is delivered, at most every
    /// <see cref="KafkaStreamOptions.CommitInterval"/> and one at a time. librdkafka's commit waits for the broker,
    /// so it runs off the agent's turn.
    /// </summary>
    private void CommitIfDue(bool force)
    {
        var offset = session.Progress.Advance();
        if (offset <= Volatile.Read(ref _committedOffset) || !_commit.IsCompleted || _consumer is not { } consumer)
        {
            return;
        }

        if (!force && Stopwatch.GetElapsedTime(_lastCommitStarted) < options.CommitInterval)
        {
            return;
        }

        _lastCommitStarted = Stopwatch.GetTimestamp();
        // librdkafka's Commit blocks until the coordinator answers. On a pool thread, a silo's partitions committing at
        // once can hold every worker of a small pool (two on two cores) while the broker is slow, and the pool adds
        // threads only every half second or so: reads and deliveries would wait on offset bookkeeping.
        _commit = Task.Factory.StartNew(() => Commit(consumer, offset), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Commit(IConsumer<byte[]?, byte[]?> consumer, long offset)
    {
        try
        {
            consumer.Commit([new TopicPartitionOffset(_partition, offset)]);
            _committedAt = time.GetUtcNow();
            Volatile.Write(ref _committedOffset, offset);
            statistics.Committed();
        }
        catch (KafkaException exception)
        {
            // Not lost: the next commit carries this offset or a later one.
            statistics.CommitFailed();
            LogCommitFailed(logger, exception, providerName, session.Partition, offset, exception.Error.Reason);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile; the next owner replays from the last commit.
        }
    }

    /// <summary>
    /// Assigns the partition at the group's committed offset, fetched here rather than left to librdkafka
    /// (<see cref="Offset.Stored"/>): when its own fetch fails (a group coordinator not ready yet, as on a new group or
    /// a broker just restarted: "Not coordinator"), librdkafka reports it and never starts the partition, which then
    /// stays unread for good. Fetched at most once a second until it succeeds; no committed offset means the consumer
    /// configuration's <c>auto.offset.reset</c>.
    /// </summary>
    private bool TryPosition(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (_lastPositionAttempt != 0 && Stopwatch.GetElapsedTime(_lastPositionAttempt) < PositionRetryInterval)
        {
            return false;
        }

        _lastPositionAttempt = Stopwatch.GetTimestamp();
        try
        {
            // Throws (a KafkaException) on any error, the partition's own included.
            var committed = consumer.Committed([_partition], PositionTimeout).Single();
            var start = committed.Offset.IsSpecial ? _resetOffset : committed.Offset;
            if (!committed.Offset.IsSpecial)
            {
                Volatile.Write(ref _committedOffset, committed.Offset.Value);
            }

            consumer.Assign(new TopicPartitionOffset(_partition, start));
            _positioned = true;
            LogStarted(logger, providerName, options.Topic, session.Partition, options.ConsumerGroup, start);
            return true;
        }
        catch (KafkaException exception)
        {
            KafkaError(exception.Error.Code, exception.Error.Reason);
            return false;
        }
    }

    /// <summary>
    /// Logs a client error, but the same error at most once per <see cref="ErrorLogInterval"/>: while a broker is down
    /// librdkafka reports every reconnection attempt of every partition's consumer.
    /// </summary>
    private void KafkaError(Confluent.Kafka.ErrorCode code, string reason)
    {
        lock (_records) // any lock of this receiver's; errors come from librdkafka's threads and the agent's
        {
            if (code == _lastErrorCode && Stopwatch.GetElapsedTime(_lastErrorLogged) < ErrorLogInterval)
            {
                _suppressedErrors++;
                return;
            }

            LogKafkaError(logger, providerName, session.Partition, code, reason, _suppressedErrors);
            (_lastErrorCode, _lastErrorLogged, _suppressedErrors) = (code, Stopwatch.GetTimestamp(), 0);
        }
    }

    /// <summary>
    /// Shows the partition as pulled by this silo from the moment it is taken, before anything is read: the pulling
    /// agent does not ask a receiver to read while its cache is under pressure, so a partition taken while the silo is
    /// paused (its store behind) would otherwise be missing from the statistics until the pause ends. Its backlog is
    /// asked of the broker, once: the client knows a partition's end only after fetching from it.
    /// </summary>
    private void PublishStatusBeforeFirstRead(IConsumer<byte[]?, byte[]?> consumer)
    {
        var committed = Volatile.Read(ref _committedOffset);
        var (position, end) = (-1L, -1L);
        if (_positioned)
        {
            try
            {
                var watermarks = consumer.QueryWatermarkOffsets(_partition, PositionTimeout);
                end = watermarks.High.Value;
                position = committed >= 0 ? committed : _resetOffset == Offset.End ? end : watermarks.Low.Value;
            }
            catch (KafkaException exception)
            {
                KafkaError(exception.Error.Code, exception.Error.Reason); // unknown until the first read refreshes it
            }
        }

        statistics.Partitions[session.Partition] = new KafkaPartitionStatus(
            session.Partition, position, end, committed, CommittedAt: null, UncommittedRecords: 0, session.PauseReason);
    }

    private void RefreshStatus(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (Stopwatch.GetElapsedTime(_lastStatus) < StatusInterval)
        {
            return;
        }

        _lastStatus = Stopwatch.GetTimestamp();
        var position = consumer.Position(_partition);
        var watermarks = consumer.GetWatermarkOffsets(_partition);
        var status = new KafkaPartitionStatus(
            session.Partition,
            position.IsSpecial ? -1 : position.Value,
            watermarks.High.IsSpecial ? -1 : watermarks.High.Value,
            Volatile.Read(ref _committedOffset),
            _committedAt,
            session.Progress.UncommittedRecords,
            session.PauseReason,
            _caughtUpAt);
        if (status.Lag == 0)
        {
            // Record timestamps would give the lag in time, but the 0.9 message format has none: the time since this
            // partition was last read to its end bounds the age of its oldest unread record instead.
            _caughtUpAt = time.GetUtcNow();
            status = status with { CaughtUpAt = _caughtUpAt };
        }

        statistics.Partitions[session.Partition] = status;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {Provider}: pulling {Topic} partition {Partition} from the offset group {Group} committed ({Offset})")]
    private static partial void LogStarted(ILogger logger, string provider, string topic, int partition, string group, Offset offset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {Provider}: stopped pulling partition {Partition}; committed up to {Offset}, {Uncommitted} records left to its next owner")]
    private static partial void LogStopped(ILogger logger, string provider, int partition, long offset, long uncommitted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {Provider}: stopped pulling partition {Partition} before committing anything; {Uncommitted} records left to its next owner")]
    private static partial void LogStoppedWithoutCommit(ILogger logger, string provider, int partition, long uncommitted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}, partition {Partition}: Kafka {Code} {Reason} (the same error {Suppressed} more times since it was last logged)")]
    private static partial void LogKafkaError(ILogger logger, string provider, int partition, Confluent.Kafka.ErrorCode code, string reason, int suppressed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream provider {Provider}, partition {Partition}: librdkafka {Facility}: {Message}")]
    private static partial void LogLibrdkafka(ILogger logger, string provider, int partition, string facility, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}, partition {Partition}: committing offset {Offset} failed ({Reason}); the next commit retries it")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string provider, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}, partition {Partition}: dead letter for offset {Offset} not acknowledged (attempt {Attempt}); retrying")]
    private static partial void LogDeadLetterRetry(ILogger logger, Exception exception, string provider, int partition, long offset, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream provider {Provider}, partition {Partition}: the message mapper failed on the read starting at offset {Offset}; reading it again")]
    private static partial void LogMapperFailed(ILogger logger, Exception exception, string provider, int partition, long offset);
}
