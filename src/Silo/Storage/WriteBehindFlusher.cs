using System.Threading.Channels;
using AccountMetadata.Silo.Storage.DynamoDb;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Storage;

/// <summary>
/// Drives the write-behind storage: a flush every interval, or sooner when the storage asks (dirty thresholds,
/// someone waiting for durability). On stop it keeps flushing until nothing is dirty or its timeout passes.
/// </summary>
public sealed partial class WriteBehindFlusher(DynamoAccountStorage storage, WriteBehindOptions options, ILogger<WriteBehindFlusher> logger)
    : BackgroundService
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Bounded by our own timeout and by the host's: never flush on after the host has moved on to disposal.
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
            // Reported below; Kafka replays what was not committed.
        }

        if (storage.DirtyNamespaces > 0)
        {
            LogShutdownLeftDirty(logger, storage.DirtyNamespaces);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        storage.FlushRequested += RequestFlush;
        try
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
                }

                try
                {
                    // Not cancelled by stopping: a flush in progress finishes (its retries are bounded), then
                    // StopAsync flushes what is left.
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
        finally
        {
            storage.FlushRequested -= RequestFlush;
        }
    }

    private void RequestFlush() => _requests.Writer.TryWrite(true);

    [LoggerMessage(Level = LogLevel.Error, Message = "Flush failed; dirty namespaces stay dirty and are retried")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopped with {Count} namespaces not durable; their Kafka offsets were not committed and will be replayed")]
    private static partial void LogShutdownLeftDirty(ILogger logger, int count);
}
