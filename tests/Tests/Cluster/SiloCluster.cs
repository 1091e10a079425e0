using System.Globalization;
using System.Text.RegularExpressions;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Cluster;

/// <summary>
/// Silo processes forming one Orleans cluster through the stack's Redis, on one table, topic and consumer group;
/// each logs to its own file beside the test results. Disposing kills what is still running.
/// </summary>
internal sealed partial class SiloCluster : IDisposable
{
    public const int Partitions = 8;

    private readonly Dictionary<string, string> _environment;
    private readonly List<SiloProcess?> _silos = [];

    private SiloCluster(SiloNames names, IReadOnlyDictionary<string, string>? environment)
    {
        Names = names;
        _environment = RedisClusterSettings.For(names.Table);
        _environment["Logging__LogLevel__AccountMetadata"] = "Information";
        _environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            _environment[key] = value;
        }
    }

    public SiloNames Names { get; }

    /// <summary>The silos' log files, for failure messages.</summary>
    public string Logs => Path.ChangeExtension(Names.LogFile, null) + "-*.log";

    /// <summary>The running silos.</summary>
    public IReadOnlyList<SiloProcess> Silos => [.. _silos.OfType<SiloProcess>()];

    /// <summary>Starts <paramref name="silos"/> silos, each with <paramref name="environment"/> on top of the cluster's settings.</summary>
    public static async Task<SiloCluster> StartAsync(string prefix, int silos, IReadOnlyDictionary<string, string>? environment = null)
    {
        var cluster = new SiloCluster(SiloNames.Unique(prefix), environment);
        KafkaTopics.Create(cluster.Names.Topic);
        for (var i = 0; i < silos; i++)
        {
            await cluster.AddAsync();
        }

        return cluster;
    }

    /// <summary>Starts one more silo; returns its index.</summary>
    public async Task<int> AddAsync()
    {
        _silos.Add(null);
        await RestartAsync(_silos.Count - 1);
        return _silos.Count - 1;
    }

    public SiloProcess this[int index] => _silos[index] ?? throw new InvalidOperationException($"silo {index} is not running");

    /// <summary>Starts silo <paramref name="index"/> (again), with a fresh silo port.</summary>
    public async Task RestartAsync(int index)
    {
        _silos[index]?.Dispose();
        _silos[index] = null; // until the new life is ready: a start that fails leaves nothing disposed behind
        var log = Path.ChangeExtension(Names.LogFile, null) + $"-{index}.log";
        _silos[index] = await SiloProcess.StartAsync(Names.Table, Names.Topic, Names.Group, log, "Warning", _environment);
    }

    public void Kill(int index) => this[index].Kill();

    /// <summary>SIGTERM: the silo drains, commits, leaves the cluster.</summary>
    public async Task StopAsync(int index, TimeSpan timeout)
    {
        await this[index].StopAsync(timeout);
        _silos[index]!.Dispose();
        _silos[index] = null;
    }

    /// <summary>The partitions each running silo pulls now, as its /metrics report them.</summary>
    public async Task<PulledPartitions> PartitionsAsync()
    {
        var result = new List<PulledPartitions.Silo>();
        foreach (var silo in Silos)
        {
            var metrics = await MetricsTextAsync(silo);
            result.Add(new PulledPartitions.Silo(silo.BaseAddress, metrics is null
                ? null
                : PrometheusText.LabelValues(metrics, "kafka_stream_partition_committed_offset", "partition")
                    .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToHashSet()));
        }

        return new PulledPartitions(result);
    }

    /// <summary>A silo's /metrics text; null while it does not answer.</summary>
    private static async Task<string?> MetricsTextAsync(SiloProcess silo)
    {
        using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until the running silos between them pull every partition; returns how long it took.</summary>
    public async Task<TimeSpan> WaitUntilEveryPartitionIsPulledAsync(TimeSpan patience)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.Until(
            PartitionsAsync,
            pulled => pulled.DistinctCount == Partitions,
            patience,
            "every partition pulled by a running silo");
        return clock.Elapsed;
    }

    /// <summary>A metric summed over the running silos and over its labels.</summary>
    public async Task<double> SumAsync(string metric) => (await EachAsync(metric)).Sum();

    /// <summary>A metric of each running silo (in <see cref="Silos"/> order), summed over its labels.</summary>
    public async Task<IReadOnlyList<double>> EachAsync(string metric)
    {
        var values = new List<double>();
        foreach (var silo in Silos)
        {
            using var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            values.Add(await silo.MetricAsync(http, metric));
        }

        return values;
    }

    /// <summary>
    /// Waits until the group committed every partition to its end; a wait that fails says where each silo's partitions
    /// stand (their lag, commits, uncommitted records and pauses, from /metrics) beside the offsets the broker holds.
    /// </summary>
    public async Task WaitUntilCommittedToTheEndAsync()
    {
        try
        {
            await TopicReader.WaitUntilCommittedToTheEndAsync(Names.Topic, Names.Group, Partitions);
        }
        catch (TimeoutException stalled)
        {
            throw new TimeoutException($"{stalled.Message}\n{await PartitionMetricsAsync()}", stalled);
        }
    }

    private async Task<string> PartitionMetricsAsync()
    {
        var report = new System.Text.StringBuilder();
        foreach (var silo in Silos)
        {
            var lines = (await MetricsTextAsync(silo))?.Split('\n').Where(line => line.StartsWith("kafka_stream_partition_", StringComparison.Ordinal));
            report.AppendLine(CultureInfo.InvariantCulture, $"{silo.BaseAddress}: {(lines is null ? "/metrics not answering" : string.Join("; ", lines))}");
        }

        return report.ToString();
    }

    public Task AssertStoredAsync(ExpectedState expected) => DynamoDbReader.AssertStoredAsync(Names.Table, expected, Logs);

    public void Dispose()
    {
        foreach (var silo in _silos)
        {
            silo?.Dispose();
        }
    }
}
