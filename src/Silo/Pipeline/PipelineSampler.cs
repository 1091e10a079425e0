using System.Diagnostics;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Silo.Kafka;
using AccountMetadata.Diagnostics;
using AccountMetadata.Silo.Metrics;
using AccountMetadata.Persistence.DynamoDB;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>
/// Samples this silo's figures once per interval into a <see cref="PipelineSnapshot"/> (the page keeps the history of
/// the whole cluster's, see <see cref="ClusterPipeline"/>). The hot
/// paths only bump striped counters and histogram cells; all arithmetic (rates, windowed percentiles) happens here,
/// off the hot path.
/// </summary>
public sealed class PipelineSampler(
    OrleansActivationCounts grains,
    DynamoAccountStorage storage,
    IngestionMetrics ingestion,
    IngestionOptions ingestionOptions,
    KafkaOptions kafka,
    HttpMetrics http,
    ILocalSiloDetails silo,
    TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly Dictionary<object, long> _lastCounts = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<LatencyHistogram, long[]> _lastHistograms = new(ReferenceEqualityComparer.Instance);
    private const int FreshnessWindowSamples = 60;
    private readonly Queue<long[]> _freshnessWindow = new(FreshnessWindowSamples + 1);
    private long _lastTimestamp = Stopwatch.GetTimestamp();
    private TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    private volatile PipelineSnapshot? _latest;

    /// <summary>The latest snapshot (taken on demand if the sampler has not run yet).</summary>
    public PipelineSnapshot Latest => _latest ?? Sample();

    /// <summary>Takes a sample now: rates cover the time since the previous one.</summary>
    public PipelineSnapshot Sample()
    {
        lock (_lastCounts)
        {
            var now = Stopwatch.GetTimestamp();
            var seconds = Math.Max(0.001, Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds);
            _lastTimestamp = now;
            var snapshot = new PipelineSnapshot(time.GetUtcNow(), silo.SiloAddress.ToString(), SiloPanel(seconds), HttpPanel(seconds), GrainTypes(),
                IngestionPanel(seconds), StoragePanel(seconds));
            _latest = snapshot;
            return snapshot;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RefreshGrainCountsAsync().ConfigureAwait(false);
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private SiloPanel SiloPanel(double seconds)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var cpuPercent = (cpu - _lastCpu).TotalSeconds / seconds / Environment.ProcessorCount * 100;
        _lastCpu = cpu;
        var gc = GC.GetGCMemoryInfo();
        return new SiloPanel(
            Environment.MachineName,
            Environment.ProcessId,
            Environment.ProcessorCount,
            (time.GetUtcNow() - _started).TotalSeconds,
            Math.Round(cpuPercent, 1),
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            gc.PauseTimePercentage,
            ThreadPool.ThreadCount,
            ThreadPool.PendingWorkItemCount);
    }

    private HttpPanel HttpPanel(double seconds)
    {
        var (p50, p99) = Quantiles(http.Latency);
        return new HttpPanel(Rate(http.Requests, seconds), p50, p99, Rate(http.ClientErrors, seconds), Rate(http.ServerErrors, seconds), http.Requests.Value);
    }

    private List<GrainTypePanel> GrainTypes() => [.. grains.Latest.Select(c => new GrainTypePanel(c.Type, c.Active))];

    private async Task RefreshGrainCountsAsync()
    {
        try
        {
            await grains.RefreshAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a silo that is starting or stopping may not answer; the last counts stay shown
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private IngestionPanel IngestionPanel(double seconds)
    {
        var deadLetters = DeadLetterReasons.All.ToDictionary(DeadLetterReasons.Name, r => ingestion.DeadLettered(r).Value, StringComparer.Ordinal);
        var deadLettered = ingestion.DeadLetteredTotal;
        var deadLetteredRate = Rate("dead-lettered", deadLettered, seconds);
        var now = time.GetUtcNow();
        var partitions = ingestion.Partitions.Values.OrderBy(p => p.Partition)
            .Select(p => new PartitionPanel(p.Partition, p.Lag, Seconds(p.LagTime(now)), p.Position, p.HighWatermark, p.CommittedOffset, p.CommittedAt,
                Seconds(now - p.CommittedAt), p.UncommittedRecords, p.IsPaused, p.PauseReason))
            .ToList();
        return new IngestionPanel(
            ingestionOptions.Enabled,
            kafka.IngestTopic,
            kafka.ConsumerGroup,
            Rate(ingestion.Consumed, seconds),
            Rate(ingestion.Applied, seconds),
            Rate(ingestion.IgnoredAsOlder, seconds),
            deadLetteredRate,
            ingestion.Consumed.Value,
            ingestion.Applied.Value,
            ingestion.IgnoredAsOlder.Value,
            ingestion.Erased.Value,
            deadLetters,
            ingestion.IsPaused,
            ingestion.PauseReason,
            partitions.Sum(p => p.Lag),
            ingestion.Deliveries.Value == 0 ? 0 : (double)ingestion.Applied.Value / ingestion.Deliveries.Value,
            partitions,
            ingestion.RecentDeadLetters.Newest(),
            FreshnessPanel());
    }

    /// <summary>Over the last minute: ten samples a second at most make a one-second window too thin for a p99.</summary>
    private FreshnessPanel FreshnessPanel()
    {
        var current = ingestion.Freshness.Snapshot();
        _freshnessWindow.Enqueue(current);
        var oldest = _freshnessWindow.Count > FreshnessWindowSamples ? _freshnessWindow.Dequeue() : _freshnessWindow.Peek();
        var window = new long[current.Length];
        for (var i = 0; i < window.Length; i++)
        {
            window[i] = current[i] - (ReferenceEquals(oldest, current) ? 0 : oldest[i]);
        }

        return new FreshnessPanel(
            LatencyHistogram.QuantileMilliseconds(window, 0.50),
            LatencyHistogram.QuantileMilliseconds(window, 0.99),
            window.Sum(),
            ingestion.FreshnessMissed.Value);
    }

    private static double? Seconds(TimeSpan? span) => span is { } s ? Math.Round(Math.Max(0, s.TotalSeconds), 1) : null;

    private StoragePanel StoragePanel(double seconds)
    {
        var m = storage.Metrics;
        var writes = m.ItemWrites.Value;
        var (p50, p99) = Quantiles(m.FlushLatency);
        var (loadP50, loadP99) = Quantiles(m.LoadLatency);
        return new StoragePanel(
            Rate(m.ItemWrites, seconds),
            Rate(m.WriteRequests, seconds),
            writes == 0 ? 0 : Math.Round((double)ingestion.Applied.Value / writes, 2),
            writes == 0 ? 0 : Math.Round((double)m.NamespaceChanges.Value / writes, 2),
            writes,
            m.RetriedWrites.Value,
            m.Conflicts.Value,
            m.Throttles.Value,
            m.FailedBatches.Value,
            storage.DirtyNamespaces,
            storage.DirtyBytes,
            Math.Round(storage.OldestDirtyAge.TotalSeconds, 2),
            p50,
            p99,
            storage.DurableWatermark,
            storage.LastSequence,
            Rate(m.StateLoads, seconds),
            Rate(m.LoadRequests, seconds),
            loadP50,
            loadP99,
            storage.LoadsWaiting);
    }

    /// <summary>Per-second rate of a counter since the previous sample; <paramref name="peek"/> leaves the baseline alone.</summary>
    private double Rate(StripedCounter counter, double seconds, bool peek = false) => Rate(counter, counter.Value, seconds, peek);

    /// <summary>Per-second change of <paramref name="value"/> since the previous sample of <paramref name="key"/>.</summary>
    private double Rate(object key, long value, double seconds, bool peek = false)
    {
        var last = _lastCounts.GetValueOrDefault(key, value);
        if (!peek)
        {
            _lastCounts[key] = value;
        }

        return Math.Round((value - last) / seconds, 1);
    }

    /// <summary>p50 and p99 (ms) of what the histogram recorded since the previous sample.</summary>
    private (double P50, double P99) Quantiles(LatencyHistogram histogram)
    {
        var current = histogram.Snapshot();
        var window = new long[current.Length];
        if (_lastHistograms.TryGetValue(histogram, out var last))
        {
            for (var i = 0; i < current.Length; i++)
            {
                window[i] = current[i] - last[i];
            }
        }
        else
        {
            current.CopyTo(window, 0);
        }

        _lastHistograms[histogram] = current;
        return (LatencyHistogram.QuantileMilliseconds(window, 0.50), LatencyHistogram.QuantileMilliseconds(window, 0.99));
    }
}
