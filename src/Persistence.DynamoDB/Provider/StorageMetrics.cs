using AccountMetadata.Diagnostics;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>What the write-behind storage did; sampled by the dashboard and /metrics.</summary>
public sealed class StorageMetrics
{
    /// <summary>Namespace changes handed to storage by grains (before coalescing).</summary>
    public StripedCounter NamespaceChanges { get; } = new();

    /// <summary>Items put or deleted in DynamoDB (after coalescing).</summary>
    public StripedCounter ItemWrites { get; } = new();

    /// <summary>Write requests sent to DynamoDB (one per item attempt).</summary>
    public StripedCounter WriteRequests { get; } = new();

    /// <summary>Item writes that failed (throttled, unreachable) and were sent again.</summary>
    public StripedCounter RetriedWrites { get; } = new();

    public StripedCounter Throttles { get; } = new();

    /// <summary>Writes whose version condition failed (another activation wrote the item first) and were merged.</summary>
    public StripedCounter Conflicts { get; } = new();

    /// <summary>Batches that kept failing through all their attempts in one flush; their items stay dirty.</summary>
    public StripedCounter FailedBatches { get; } = new();

    public StripedCounter Flushes { get; } = new();

    /// <summary>Accounts loaded (grain activations).</summary>
    public StripedCounter StateLoads { get; } = new();

    /// <summary>Requests sent to load them (BatchGetItem or Query calls): loads per request shows the batching.</summary>
    public StripedCounter LoadRequests { get; } = new();

    public LatencyHistogram FlushLatency { get; } = new();

    public LatencyHistogram LoadLatency { get; } = new();
}
