using Orleans.Runtime;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Schemas;

/// <summary>
/// Loads the schemas during the silo's start, after storage prepared the table they live in and before the stream
/// provider pulls a record (seeding the demo ones), then reloads them periodically.
/// </summary>
public sealed partial class SchemaRefresher(NamespaceSchemaRegistry registry, SchemaOptions options, ILogger<SchemaRefresher> logger)
    : BackgroundService, ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(SchemaRefresher), ServiceLifecycleStage.ApplicationServices + 1, LoadAsync);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (options.SeedDemoSchemas)
        {
            await registry.SeedDemoSchemasAsync(cancellationToken).ConfigureAwait(false);
        }

        await registry.LoadAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await registry.LoadAsync(stoppingToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // keep the last good schemas and try again on the next tick
                catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogRefreshFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading namespace schemas failed; the previous ones stay in force")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
