using AccountMetadata.Runtime;

namespace AccountMetadata.Silo.Runtime;

/// <summary>
/// Stops the grains when the silo stops: every activation deactivates, which waits until its state is durable.
/// Registered after the storage flusher, so it stops before it (hosted services stop in reverse order).
/// </summary>
public sealed class GrainRuntimeLifecycle(GrainRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        runtime.DeactivateAllAsync(DeactivationReason.ShuttingDown).WaitAsync(cancellationToken);
}
