using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// Drives the write-behind storage: a flush every interval, or sooner when the storage asks (dirty thresholds,
/// someone waiting for durability). On stop it keeps flushing until nothing is dirty, its timeout passes or the silo's
/// stop gives up waiting, whichever comes first; the last two end even a flush in progress, since what is left dirty
/// was never acknowledged as durable and its source (a Kafka offset not committed) delivers it again.
/// Started and stopped by the storage's silo lifecycle stage.
/// </summary>
internal sealed partial class WriteBehindFlusher(DynamoAccountStorage storage, WriteBehindOptions options, ILogger logger) : IDisposable
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Ends the flushes themselves, the one in progress included: the stop's time is up.</summary>
    private readonly CancellationTokenSource _abandon = new();
    private Task _loop = Task.CompletedTask;

    public void Start()
    {
        storage.FlushRequested += RequestFlush;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Bounded by our own timeout and by the silo's stop token: never flush on after the host has moved on. A flush
        // of a large backlog takes as long as the backlog (all of it is picked at its start), so the bound ends it too:
        // the silo's stop then takes the time it was given, not that plus one more flush.
        _abandon.CancelAfter(options.ShutdownFlushTimeout);
        using var stopGaveUp = cancellationToken.UnsafeRegister(static abandon => ((CancellationTokenSource)abandon!).Cancel(), _abandon);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        storage.FlushRequested -= RequestFlush;
        try
        {
            while (storage.DirtyNamespaces > 0)
            {
                await storage.FlushAsync(_abandon.Token).ConfigureAwait(false);
                if (storage.DirtyNamespaces > 0)
                {
                    await Task.Delay(options.InitialBackoff, _abandon.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below; whoever fed these writes has not been told they are durable, and replays them.
        }

        if (storage.DirtyNamespaces > 0)
        {
            LogShutdownLeftDirty(logger, storage.DirtyNamespaces);
        }
    }

    /// <summary>
    /// The container is being disposed. After a graceful stop this finds nothing left to do; after a stop out of time
    /// it can come first: the host moves on once its time is up and disposes the services, while Orleans goes on
    /// stopping its lifecycle in the background, this storage's stage not reached yet. Then the flushes are given up
    /// here, as a stop out of time gives them up (what is still dirty was never acknowledged), and the StopAsync that
    /// still comes only reports. The token sources are cancelled, not disposed: that late StopAsync, and the flush
    /// ending, still use them (a cancelled source holds no timer, so nothing is left to release).
    /// </summary>
    public void Dispose()
    {
        _abandon.Cancel();
        _stopping.Cancel();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                wait.CancelAfter(options.FlushInterval);
                try
                {
                    await _requests.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The interval elapsed.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                // Not cancelled by stopping: a flush in progress finishes (its retries are bounded), then StopAsync
                // flushes what is left; only the end of the stop's time ends it.
                await storage.FlushAsync(_abandon.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the loop must outlive any one failed flush: the items stay dirty and are retried
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogFlushFailed(logger, exception);
            }
        }
    }

    private void RequestFlush() => _requests.Writer.TryWrite(true);

    [LoggerMessage(Level = LogLevel.Error, Message = "Flush failed; dirty namespaces stay dirty and are retried")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopped with {Count} namespaces not durable; their Kafka offsets were not committed and will be replayed")]
    private static partial void LogShutdownLeftDirty(ILogger logger, int count);
}
