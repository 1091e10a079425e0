using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AccountMetadata.Bench.Suite;
using AccountMetadata.Testing;

namespace AccountMetadata.Bench.Soak;

/// <summary>
/// The soak (issue 7): one silo under moderate mixed load for a long run (ingest at a steady rate plus paced reads
/// of written accounts), sampled every interval: RSS and GC heap (flat means no leak), read p99 over time, errors.
/// Writes bench/results/soak.json and soak.md.
/// </summary>
internal sealed class SoakRun(SoakSettings settings)
{
    private const string AdminKey = "local-admin-key"; // the local profile's demo key
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<SoakSample> _samples = [];

    public async Task<string> RunAsync()
    {
        var names = new SiloNames("soak-" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture));
        var logs = Path.Combine(StackEndpoints.RepositoryRoot, "artifacts", "bench");
        Directory.CreateDirectory(logs);
        KafkaTopics.Create(names.Topic);
        using var silo = await SiloProcess.StartAsync(names.Table, names.Topic, names.Group, Path.Combine(logs, names.Table + ".silo.log"));
        using var ingest = SteadyIngest.Start(names.Topic, settings.Accounts, settings.IngestPerSecond);

        // Warm-up: every account written once, so reads ask for accounts that exist.
        await Eventually.Until(() => silo.MetricAsync(_http, "ingest_applied_total"), a => a >= settings.Accounts * 2, TimeSpan.FromMinutes(5), "warm-up");
        Log($"warm: {settings.Accounts:N0} accounts written; soaking for {settings.Duration.TotalMinutes:0} min at {settings.IngestPerSecond:N0} features/s and {settings.ReadsPerSecond:N0} reads/s");

        var reads = new PacedReads(_http, silo.BaseAddress, settings.Accounts, settings.ReadsPerSecond);
        using var stop = new CancellationTokenSource(settings.Duration);
        var readers = reads.RunAsync(stop.Token);
        var clock = Stopwatch.StartNew();
        var appliedBefore = await silo.MetricAsync(_http, "ingest_applied_total");
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.SampleEvery, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // The run is over: take the last sample below.
            }

            var applied = await silo.MetricAsync(_http, "ingest_applied_total");
            var interval = reads.TakeInterval();
            var (rss, heap) = await MemoryAsync(silo);
            var sample = new SoakSample(clock.Elapsed, rss, heap, interval.Count / settings.SampleEvery.TotalSeconds, interval.P99Ms, interval.Errors,
                (applied - appliedBefore) / settings.SampleEvery.TotalSeconds);
            appliedBefore = applied;
            _samples.Add(sample);
            Log($"{sample.At.TotalMinutes,5:0.0} min  RSS {sample.RssBytes >> 20} MB  GC heap {sample.GcHeapBytes >> 20} MB  reads {sample.ReadsPerSecond:N0}/s  p99 {sample.ReadP99Ms:0.00} ms  errors {sample.Errors}  applied {sample.AppliedPerSecond:N0}/s");
        }

        await readers;
        await ingest.StopAsync();
        var serverErrors = await silo.MetricAsync(_http, "http_server_request_duration_seconds_count", "http_response_status_code=\"5");
        await silo.StopAsync(TimeSpan.FromSeconds(30));
        return await WriteAsync(serverErrors, ingest.Failed);
    }

    private static void Log(string line) => Console.WriteLine($"[soak {DateTime.Now:HH:mm:ss}] {line}");

    private async Task<(long Rss, long GcHeap)> MemoryAsync(SiloProcess silo)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.BaseAddress, "/dashboard/api/snapshot")) { Headers = { { "X-Api-Key", AdminKey } } };
        using var response = await _http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var panel = json.RootElement.GetProperty("silo");
        return (panel.GetProperty("workingSetBytes").GetInt64(), panel.GetProperty("gcHeapBytes").GetInt64());
    }

    private async Task<string> WriteAsync(double serverErrors, long produceFailures)
    {
        // The first sample still carries the warm-up's growth; compare from the second on.
        var baseline = _samples.Count > 1 ? _samples[1] : _samples[0];
        var last = _samples[^1];
        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Soak: {settings.Duration.TotalMinutes:0} min, {settings.Accounts:N0} accounts, ingest {settings.IngestPerSecond:N0} features/s, reads {settings.ReadsPerSecond:N0}/s ({Machine.Describe()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)")
            .AppendLine()
            .AppendLine("| at (min) | RSS (MB) | GC heap (MB) | reads/s | read p99 (ms) | read errors | applied/s |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in _samples)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.At.TotalMinutes:0.0} | {s.RssBytes >> 20} | {s.GcHeapBytes >> 20} | {s.ReadsPerSecond:N0} | {s.ReadP99Ms:0.00} | {s.Errors} | {s.AppliedPerSecond:N0} |");
        }

        markdown.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"RSS {baseline.RssBytes >> 20} -> {last.RssBytes >> 20} MB ({Ratio(last.RssBytes, baseline.RssBytes)}), GC heap {baseline.GcHeapBytes >> 20} -> {last.GcHeapBytes >> 20} MB ({Ratio(last.GcHeapBytes, baseline.GcHeapBytes)}) from the second sample to the last; " +
                $"read errors {_samples.Sum(s => s.Errors)}, server 5xx {serverErrors}, produce failures {produceFailures}.");
        var directory = Path.Combine(StackEndpoints.RepositoryRoot, "bench", "results");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "soak.md"), markdown.ToString());
        await using (var json = File.Create(Path.Combine(directory, "soak.json")))
        await using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("minutes", settings.Duration.TotalMinutes);
            writer.WriteNumber("accounts", settings.Accounts);
            writer.WriteNumber("ingest_per_s", settings.IngestPerSecond);
            writer.WriteNumber("reads_per_s", settings.ReadsPerSecond);
            writer.WriteNumber("server_errors", serverErrors);
            writer.WriteStartArray("samples");
            foreach (var s in _samples)
            {
                writer.WriteStartObject();
                writer.WriteNumber("at_s", Math.Round(s.At.TotalSeconds));
                writer.WriteNumber("rss_bytes", s.RssBytes);
                writer.WriteNumber("gc_heap_bytes", s.GcHeapBytes);
                writer.WriteNumber("reads_per_s", Math.Round(s.ReadsPerSecond));
                writer.WriteNumber("read_p99_ms", Math.Round(s.ReadP99Ms, 2));
                writer.WriteNumber("read_errors", s.Errors);
                writer.WriteNumber("applied_per_s", Math.Round(s.AppliedPerSecond));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return markdown.ToString();
    }

    private static string Ratio(long now, long then) => then == 0 ? "n/a" : (now / (double)then).ToString("0.00x", CultureInfo.InvariantCulture);
}
