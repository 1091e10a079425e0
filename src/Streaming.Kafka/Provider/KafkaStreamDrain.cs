using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// A graceful stop that replays nothing. Orleans stops a pulling agent without waiting for the deliveries it has in
/// flight, and never learns how they ended: what they carried could not be committed and the partition's next owner
/// would deliver it again. So, just before the agents stop (the silo still active, its partitions still its own),
/// reading stops (the caches report pressure, while releases and commits go on) and the silo waits until everything
/// read is delivered and committed, bounded by <see cref="KafkaStreamOptions.DrainTimeout"/>.
/// </summary>
public sealed partial class KafkaStreamDrain(string name, KafkaStreamStatistics statistics, TimeSpan timeout, ILogger<KafkaStreamDrain> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);

        // Stops run in reverse stage order: this one just before the stream providers' agents (Active).
        lifecycle.Subscribe($"{nameof(KafkaStreamDrain)}-{name}", ServiceLifecycleStage.Active + 1, _ => Task.CompletedTask, DrainAsync);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var started = Stopwatch.GetTimestamp();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            // Committable is not committed yet: the receivers commit the rest when they stop, right after this.
            while (statistics.UncommittedRecords > 0)
            {
                await Task.Delay(Poll, bounded.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Out of time: the next owners replay what is left.
        }

        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var left = statistics.UncommittedRecords;
        LogDrained(logger, name, elapsed, left);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {Provider}: drained in {Milliseconds} ms before stopping; {Uncommitted} records left to be read again by the partitions' next owners")]
    private static partial void LogDrained(ILogger logger, string provider, long milliseconds, long uncommitted);
}
