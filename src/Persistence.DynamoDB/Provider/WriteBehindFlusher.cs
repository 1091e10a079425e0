using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// Drives the write-behind storage: a flush every interval, or sooner when the storage asks (dirty thresholds,
/// someone waiting for durability). On stop it keeps flushing until nothing is dirty or its timeout passes.
/// Started and stopped by the storage's silo lifecycle stage.
/// </summary>
internal sealed partial class WriteBehindFlusher(DynamoAccountStorage storage, WriteBehindOptions options, ILogger logger) : IDisposable
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Start()
    {
        storage.FlushRequested += RequestFlush;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        storage.FlushRequested -= RequestFlush;

        // Bounded by our own timeout and by the silo's stop token: never flush on after the host has moved on.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ShutdownFlushTimeout);
        try
        {
            while (storage.DirtyNamespaces > 0)
            {
                await storage.FlushAsync(timeout.Token).ConfigureAwait(false);
                if (storage.DirtyNamespaces > 0)
                {
                    await Task.Delay(options.InitialBackoff, timeout.Token).ConfigureAwait(false);
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

    public void Dispose() => _stopping.Dispose();

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
                // flushes what is left.
                await storage.FlushAsync(CancellationToken.None).ConfigureAwait(false);
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
