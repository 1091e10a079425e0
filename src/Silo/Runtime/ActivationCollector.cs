using AccountMetadata.Runtime;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Runtime;

/// <summary>
/// Orleans' activation collector: deactivates activations idle for longer than the collection age, and when there
/// are more than the cap, the least recently used ones, clean before dirty (a dirty one must flush first).
/// </summary>
public sealed partial class ActivationCollector(GrainRuntime runtime, ILogger<ActivationCollector> logger) : BackgroundService
{
    /// <summary>One collection pass; returns how many deactivations it started.</summary>
    public async Task<int> CollectOnceAsync()
    {
        var options = runtime.Options;
        var now = Environment.TickCount64;
        var idleMilliseconds = (long)options.IdleTimeout.TotalMilliseconds;
        var deactivations = new List<Task>();
        foreach (var catalog in runtime.Catalogs)
        {
            var active = catalog.Activations.Where(a => a.IsActive).ToList();
            var idle = active.Where(a => now - a.LastUsed >= idleMilliseconds && !a.HasPendingWrites).ToList();
            deactivations.AddRange(idle.Select(a => a.RequestDeactivation(DeactivationReason.IdleTimeout)));

            var excess = catalog.ActiveCount - idle.Count - options.MaxActiveActivations;
            if (excess > 0)
            {
                // Go 10% below the cap so the next pass has room.
                var take = excess + (options.MaxActiveActivations / 10);
                var idleSet = idle.ToHashSet();
                deactivations.AddRange(active
                    .Where(a => !idleSet.Contains(a))
                    .OrderBy(a => a.HasPendingWrites)
                    .ThenBy(a => a.LastUsed)
                    .Take(take)
                    .Select(a => a.RequestDeactivation(DeactivationReason.CapacityPressure)));
            }
        }

        try
        {
            await Task.WhenAll(deactivations).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a deactivation that could not flush leaves its activation serving; the next pass retries
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogCollectionIncomplete(logger, exception);
        }

        return deactivations.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(runtime.Options.CollectionInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CollectOnceAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Some deactivations did not complete; they are retried on the next pass")]
    private static partial void LogCollectionIncomplete(ILogger logger, Exception exception);
}
