using System.Diagnostics;
using System.Diagnostics.Metrics;
using AccountMetadata.Diagnostics;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// What the write-behind storage did: striped counters and latency histograms for the pipeline view, published as
/// OpenTelemetry instruments on <see cref="MeterName"/> (tagged with the provider's name) when a meter is given.
/// </summary>
public sealed class StorageMetrics
{
    public const string MeterName = "AccountMetadata.Persistence.DynamoDB";

    /// <summary>DynamoDB calls take milliseconds to seconds (OpenTelemetry's default buckets assume milliseconds).</summary>
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };

    private readonly Histogram<double>? _flushDuration;
    private readonly Histogram<double>? _loadDuration;
    private readonly KeyValuePair<string, object?> _provider;

    public StorageMetrics()
    {
    }

    public StorageMetrics(Meter meter, string providerName)
    {
        ArgumentNullException.ThrowIfNull(meter);
        Meter = meter;
        _provider = new("provider", providerName);
        meter.Counter("dynamodb.storage.namespace_changes", "{change}", "Namespace changes handed to storage by grains (before coalescing).", NamespaceChanges, _provider);
        meter.Counter("dynamodb.storage.item_writes", "{item}", "Items put or deleted in DynamoDB (after coalescing).", ItemWrites, _provider);
        meter.Counter("dynamodb.storage.write_requests", "{request}", "Conditional item write requests (PutItem / DeleteItem).", WriteRequests, _provider);
        meter.Counter("dynamodb.storage.retried_writes", "{item}", "Item writes that failed (throttled, unreachable) and were sent again.", RetriedWrites, _provider);
        meter.Counter("dynamodb.storage.throttles", "{request}", "Throttled DynamoDB requests.", Throttles, _provider);
        meter.Counter("dynamodb.storage.conflicts", "{item}", "Item writes that found a newer version (another activation wrote it) and merged.", Conflicts, _provider);
        meter.Counter("dynamodb.storage.failed_batches", "{batch}", "Batches that failed all attempts of a flush (their items stay dirty).", FailedBatches, _provider);
        meter.Counter("dynamodb.storage.flushes", "{flush}", "Flushes of the dirty namespaces.", Flushes, _provider);
        meter.Counter("dynamodb.storage.account_loads", "{account}", "Accounts loaded from DynamoDB (one per activation).", StateLoads, _provider);
        meter.Counter("dynamodb.storage.account_load_requests", "{request}", "Requests that loaded them (BatchGetItem of many accounts, or one Query each).", LoadRequests, _provider);
        meter.Counter("dynamodb.storage.failed_loads", "{request}", "Load requests that failed (their accounts are asked again by whoever waits for them).", FailedLoads, _provider);
        _flushDuration = meter.CreateHistogram("dynamodb.storage.flush.duration", "s", "Duration of one flush.", tags: null, SecondsBuckets);
        _loadDuration = meter.CreateHistogram("dynamodb.storage.load.duration", "s", "Duration of one load request (BatchGetItem or Query).", tags: null, SecondsBuckets);
    }

    /// <summary>Where this storage's instruments live, null when it publishes none (unit tests, tools).</summary>
    public Meter? Meter { get; }

    /// <summary>The provider tag every instrument of this storage carries.</summary>
    public KeyValuePair<string, object?> ProviderTag => _provider;

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

    /// <summary>Load requests that failed (DynamoDB unreachable, throttled past its retries); their loads are asked again.</summary>
    public StripedCounter FailedLoads { get; } = new();

    public LatencyHistogram FlushLatency { get; } = new();

    public LatencyHistogram LoadLatency { get; } = new();

    /// <summary>A flush started at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) ended now.</summary>
    public void FlushEnded(long startTimestamp)
    {
        FlushLatency.RecordSince(startTimestamp);
        _flushDuration?.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, _provider);
    }

    /// <summary>A load request started at <paramref name="startTimestamp"/> ended now.</summary>
    public void LoadEnded(long startTimestamp)
    {
        LoadLatency.RecordSince(startTimestamp);
        _loadDuration?.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, _provider);
    }
}
