using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// A partition's cache, indexed by stream: a cursor walks its own stream's containers only (Orleans' simple and pooled
/// caches walk every container of the queue per cursor, which is quadratic with one stream per account). A container
/// is released to the receiver (and so towards an offset commit) only after its consumer's delivery returned: the
/// cache never purges by size or age. Reading stops instead (<see cref="IsUnderPressure"/>) while too much waits, or
/// while the silo drains before it stops.
/// Used on the pulling agent's turn only.
/// </summary>
internal sealed partial class KafkaQueueCache(
    PartitionSession session,
    KafkaStreamOptions options,
    KafkaStreamStatistics statistics,
    KafkaStreamDrain drain,
    IKafkaStreamBackpressure? backpressure,
    IKafkaDeliveryConfirmation? confirmation,
    ILogger logger) : IQueueCache
{
    /// <summary>
    /// A store that is down fails every stream's confirmation at once (thousands per partition): one warning per
    /// partition this often, counting the rest, is what an operator can read.
    /// </summary>
    private static readonly TimeSpan RetryWarningSpacing = TimeSpan.FromSeconds(10);

    private readonly Dictionary<StreamId, CachedStream> _streams = [];
    private readonly HashSet<CachedStream> _changed = [];
    private long _retryWarnedAt;
    private int _retriesNotWarned;

    /// <summary>Never zero: the agent skips its purge (and so every release and commit) while this is zero.</summary>
    public int GetMaxAddCount() => options.MaxMessagesPerRead;

    public void AddToCache(IList<IBatchContainer> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            var container = (KafkaBatchContainer)message;
            var stream = StreamOf(container.StreamId);
            stream.Add(container);
            _changed.Add(stream);
        }
    }

    public bool TryPurgeFromCache(out IList<IBatchContainer> purgedItems)
    {
        List<IBatchContainer>? released = null;
        foreach (var stream in _changed)
        {
            stream.Release(ref released);
            if (stream.IsIdle)
            {
                _streams.Remove(stream.Id);
            }
        }

        _changed.Clear();
        purgedItems = released!;
        return released is not null;
    }

    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        new KafkaQueueCacheCursor(this, StreamOf(streamId), options.MaxContainersPerDelivery);

    public bool IsUnderPressure()
    {
        var uncommitted = session.Progress.UncommittedRecords;
        var siloUncommitted = statistics.UncommittedRecords;
        // The consumer's own reason first: records pile up uncommitted because of it (a store that is down), so when
        // both hold, it is the cause an operator needs to read, and its hysteresis sees every check.
        var reason = drain.IsDraining ? "the silo is stopping: delivering what was read, then committing"
            : backpressure?.PauseReason()
              ?? (siloUncommitted >= options.MaxUncommittedMessages ? $"{siloUncommitted} records read by this silo and not yet delivered" : null);
        if (reason != session.PauseReason && statistics.Partitions.TryGetValue(session.Partition, out var status))
        {
            // The receiver refreshes the rest, but it is not asked to read while paused: say so now.
            statistics.Partitions[session.Partition] = status with { PauseReason = reason, UncommittedRecords = uncommitted };
        }

        session.PauseReason = reason;
        return reason is not null;
    }

    /// <summary>Streams cached now (those with containers waiting or a consumer's cursor).</summary>
    public int StreamCount => _streams.Count;

    internal void Changed(CachedStream stream) => _changed.Add(stream);

    /// <summary>
    /// A delivery of <paramref name="delivered"/> (made of <paramref name="parts"/>) returned. Without a confirmation
    /// the parts are released at the next purge; with one, once it completed. Either way the cursor moves on now.
    /// </summary>
    internal void Delivered(CachedStream stream, KafkaBatchContainer delivered, KafkaBatchContainer[] parts)
    {
        if (confirmation is null)
        {
            MarkDelivered(stream, parts);
            return;
        }

        stream.Unconfirmed.Add((delivered, parts));
        if (!stream.Confirming)
        {
            stream.Confirming = true;
            _ = ConfirmAsync(stream);
        }
    }

    /// <summary>One confirmation at a time per stream, each covering every delivery that returned before it began.</summary>
    private async Task ConfirmAsync(CachedStream stream)
    {
        // On the agent's scheduler (the caller's), like every other use of the cache.
        while (stream.Unconfirmed.Count > 0 && !session.Stopped.IsCancellationRequested)
        {
            var batch = stream.Unconfirmed.ToArray();
            stream.Unconfirmed.Clear();
            var delivered = Array.ConvertAll(batch, d => d.Delivered);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await confirmation!.ConfirmAsync(stream.Id, delivered, session.Stopped.Token).ConfigureAwait(true);
                    foreach (var (_, parts) in batch)
                    {
                        MarkDelivered(stream, parts);
                    }

                    break;
                }
                catch (Exception exception) when (!session.Stopped.IsCancellationRequested)
                {
                    statistics.ConfirmationRetried();
                    if (_retryWarnedAt == 0 || Stopwatch.GetElapsedTime(_retryWarnedAt) >= RetryWarningSpacing)
                    {
                        LogConfirmationRetry(logger, exception, stream.Id, delivered[0].Token.SequenceNumber, attempt, _retriesNotWarned);
                        _retryWarnedAt = Stopwatch.GetTimestamp();
                        _retriesNotWarned = 0;
                    }
                    else
                    {
                        _retriesNotWarned++;
                    }

                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 50 << Math.Min(attempt, 7))), session.Stopped.Token).ConfigureAwait(true);
                    }
                    catch (OperationCanceledException)
                    {
                        break; // the partition left this silo: unconfirmed, so uncommitted, so read again by its next owner
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        stream.Confirming = false;
    }

    private void MarkDelivered(CachedStream stream, KafkaBatchContainer[] parts)
    {
        foreach (var part in parts)
        {
            part.Delivered = true;
        }

        _changed.Add(stream);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Confirming the delivery to {StreamId} at offset {Offset} failed (attempt {Attempt}; {NotWarned} other failed confirmations on this partition since the last warning); retrying")]
    private static partial void LogConfirmationRetry(ILogger logger, Exception exception, StreamId streamId, long offset, int attempt, int notWarned);

    internal void DeliveryFailed() => statistics.DeliveryFailed();

    private CachedStream StreamOf(StreamId streamId)
    {
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            _streams[streamId] = stream = new CachedStream(streamId);
        }

        return stream;
    }
}
