using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AccountMetadata.Bench.Suite;
using AccountMetadata.Testing;

namespace AccountMetadata.Bench.Soak;

/// <summary>
/// The soak: a cluster of silo processes (Redis membership) under moderate mixed load for a long run (ingest at a
/// steady rate plus paced reads of written accounts through every silo), sampled every interval: each silo's managed
/// heap right after a full blocking collection (flat from <see cref="SoakSettings.SettledAfter"/> on means no leak;
/// the heap between collections only says when the GC last ran), RSS, read p99 and errors. Writes
/// bench/results/soak.json and soak.md.
/// </summary>
internal sealed class SoakRun(SoakSettings settings)
{
    private static readonly TimeSpan HeapTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<SoakSample> _samples = [];

    public async Task<string> RunAsync()
    {
        var names = new SiloNames("soak-" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture));
        var logs = Path.Combine(StackEndpoints.RepositoryRoot, "artifacts", "bench");
        Directory.CreateDirectory(logs);
        KafkaTopics.Create(names.Topic);
        var silos = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < settings.Silos; i++)
            {
                silos.Add(await SiloProcess.StartAsync(
                    names.Table, names.Topic, names.Group, Path.Combine(logs, $"{names.Table}.silo-{i}.log"), environment: RedisClusterSettings.For(names.Table)));
            }

            return await SoakAsync(silos, names.Topic);
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Dispose();
            }
        }
    }

    private async Task<string> SoakAsync(List<SiloProcess> silos, string topic)
    {
        using var ingest = SteadyIngest.Start(topic, settings.Accounts, settings.IngestPerSecond);

        // Warm-up: every account written once, so reads ask for accounts that exist.
        await Eventually.Until(() => AppliedAsync(silos), a => a >= settings.Accounts * 2, TimeSpan.FromMinutes(5), "warm-up");
        Log($"warm: {settings.Accounts:N0} accounts written; soaking {silos.Count} silos for {settings.Duration.TotalMinutes:0} min at {settings.IngestPerSecond:N0} features/s and {settings.ReadsPerSecond:N0} reads/s");

        var reads = new PacedReads(_http, [.. silos.Select(s => s.BaseAddress)], settings.Accounts, settings.ReadsPerSecond);
        using var stop = new CancellationTokenSource(settings.Duration);
        var readers = reads.RunAsync(stop.Token);
        var clock = Stopwatch.StartNew();
        var appliedBefore = await AppliedAsync(silos);
        var intervalStart = clock.Elapsed;
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

            var applied = await AppliedAsync(silos);
            var seconds = (clock.Elapsed - intervalStart).TotalSeconds;
            var interval = reads.TakeInterval();
            var heaps = new List<long?>();
            foreach (var silo in silos)
            {
                heaps.Add(await HeapAfterFullCollection.MeasureAsync(silo.ProcessId, HeapTimeout)); // null: reported as missing
            }

            var whileCollecting = reads.TakeInterval();
            var sample = new SoakSample(
                clock.Elapsed,
                heaps,
                [.. silos.Select(s => s.ResidentBytes())],
                interval.Count / seconds,
                interval.P99Ms,
                whileCollecting.P99Ms,
                interval.Errors + whileCollecting.Errors,
                (applied - appliedBefore) / seconds);
            intervalStart = clock.Elapsed; // the next interval starts after the collections
            appliedBefore = await AppliedAsync(silos);
            _samples.Add(sample);
            Log($"{sample.At.TotalMinutes,5:0.0} min  heap {string.Join(" / ", heaps.Select(h => $"{Megabytes(h)} MB"))}  RSS {string.Join(" / ", sample.RssBytes.Select(r => $"{r >> 20} MB"))}  reads {sample.ReadsPerSecond:N0}/s  p99 {sample.ReadP99Ms:0.00} ms ({sample.ReadP99WhileCollectingMs:0} ms while collecting)  errors {sample.Errors}  applied {sample.AppliedPerSecond:N0}/s");
        }

        await readers;
        await ingest.StopAsync();
        var serverErrors = 0d;
        foreach (var silo in silos)
        {
            serverErrors += await silo.MetricAsync(_http, "http_server_request_duration_seconds_count", "http_response_status_code=\"5");
        }

        // Not part of the figures: a generous bound, since each silo flushes what it still holds first.
        await Task.WhenAll(silos.Select(silo => silo.StopAsync(TimeSpan.FromMinutes(2))));

        return await WriteAsync(serverErrors, ingest.Failed);
    }

    private async Task<double> AppliedAsync(List<SiloProcess> silos)
    {
        var applied = 0d;
        foreach (var silo in silos)
        {
            applied += await silo.MetricAsync(_http, "ingest_applied_total");
        }

        return applied;
    }

    private static void Log(string line) => Console.WriteLine($"[soak {DateTime.Now:HH:mm:ss}] {line}");

    private async Task<string> WriteAsync(double serverErrors, long produceFailures)
    {
        var silos = Enumerable.Range(0, settings.Silos).ToArray();
        var settled = _samples.Where(s => s.At >= SoakSettings.SettledAfter).ToList();
        var verdicts = silos.Select(i => HeapVerdict(i, settled)).ToList();
        var flat = settled.Count >= 3 && verdicts.All(v => v.Flat);
        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Soak: {settings.Duration.TotalMinutes:0} min, {settings.Silos} silos (Redis membership), {settings.Accounts:N0} accounts, ingest {settings.IngestPerSecond:N0} features/s, reads {settings.ReadsPerSecond:N0}/s through every silo ({Machine.Describe()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)")
            .AppendLine()
            .AppendLine("Heap: each silo's managed heap right after a full blocking collection the bench induces over the runtime's diagnostic port (as dotnet-gcdump does), once per sample. " +
                "Read p99 is over each interval without the induced collections; the reads made while they ran are reported apart.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"| at (min) | {string.Join(" | ", silos.Select(i => $"heap silo {i} (MB)"))} | {string.Join(" | ", silos.Select(i => $"RSS silo {i} (MB)"))} | reads/s | read p99 (ms) | read p99 while collecting (ms) | read errors | applied/s |")
            .AppendLine(CultureInfo.InvariantCulture, $"|---:|{string.Concat(silos.Select(_ => "---:|---:|"))}---:|---:|---:|---:|---:|");
        foreach (var s in _samples)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.At.TotalMinutes:0.0} | {string.Join(" | ", s.HeapBytes.Select(Megabytes))} | {string.Join(" | ", s.RssBytes.Select(b => (b >> 20).ToString(CultureInfo.InvariantCulture)))} | {s.ReadsPerSecond:N0} | {s.ReadP99Ms:0.00} | {s.ReadP99WhileCollectingMs:0} | {s.Errors} | {s.AppliedPerSecond:N0} |");
        }

        markdown.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"Heap after full collections from minute {SoakSettings.SettledAfter.TotalMinutes:0} to the end ({settled.Count} samples): {string.Join("; ", silos.Select(i => $"silo {i} {verdicts[i].Text}"))}: " +
                $"{(settled.Count < 3 ? "too short to tell" : flat ? "flat" : "NOT flat")} within {SoakSettings.HeapTolerance:P0}. " +
                $"Read errors {_samples.Sum(s => s.Errors)}, server 5xx {serverErrors}, produce failures {produceFailures}.");
        var directory = Path.Combine(StackEndpoints.RepositoryRoot, "bench", "results");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "soak.md"), markdown.ToString());
        await using (var json = File.Create(Path.Combine(directory, "soak.json")))
        await using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("minutes", settings.Duration.TotalMinutes);
            writer.WriteNumber("silos", settings.Silos);
            writer.WriteNumber("accounts", settings.Accounts);
            writer.WriteNumber("ingest_per_s", settings.IngestPerSecond);
            writer.WriteNumber("reads_per_s", settings.ReadsPerSecond);
            writer.WriteNumber("server_errors", serverErrors);
            writer.WriteNumber("produce_failures", produceFailures);
            writer.WriteBoolean("heap_flat", flat);
            writer.WriteNumber("settled_after_min", SoakSettings.SettledAfter.TotalMinutes);
            writer.WriteStartArray("samples");
            foreach (var s in _samples)
            {
                writer.WriteStartObject();
                writer.WriteNumber("at_s", Math.Round(s.At.TotalSeconds));
                WriteArray(writer, "heap_after_full_gc_bytes", s.HeapBytes);
                WriteArray(writer, "rss_bytes", s.RssBytes);
                writer.WriteNumber("reads_per_s", Math.Round(s.ReadsPerSecond));
                writer.WriteNumber("read_p99_ms", Math.Round(s.ReadP99Ms, 2));
                writer.WriteNumber("read_p99_while_collecting_ms", Math.Round(s.ReadP99WhileCollectingMs, 2));
                writer.WriteNumber("read_errors", s.Errors);
                writer.WriteNumber("applied_per_s", Math.Round(s.AppliedPerSecond));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return markdown.ToString();
    }

    /// <summary>
    /// One silo's heap from the settled samples on: the first and last, their range, and the least-squares slope (a
    /// leak shows as a steady climb, whatever the noise of one sample). Flat: the last within the tolerance of the first.
    /// </summary>
    private static (bool Flat, string Text) HeapVerdict(int silo, List<SoakSample> settled)
    {
        var points = settled.Where(s => s.HeapBytes[silo] is not null).Select(s => (Minutes: s.At.TotalMinutes, Bytes: (double)s.HeapBytes[silo]!.Value)).ToList();
        if (points.Count < 2)
        {
            return (false, "n/a");
        }

        var (first, last) = (points[0].Bytes, points[^1].Bytes);
        var meanX = points.Average(p => p.Minutes);
        var meanY = points.Average(p => p.Bytes);
        var slope = points.Sum(p => (p.Minutes - meanX) * (p.Bytes - meanY)) / points.Sum(p => (p.Minutes - meanX) * (p.Minutes - meanX));
        var flat = Math.Abs((last / first) - 1) <= SoakSettings.HeapTolerance;
        return (flat, string.Create(CultureInfo.InvariantCulture,
            $"{first / (1 << 20):0.0} -> {last / (1 << 20):0.0} MB ({last / first:0.00}x, range {points.Min(p => p.Bytes) / (1 << 20):0.0}-{points.Max(p => p.Bytes) / (1 << 20):0.0} MB, slope {slope * 60 / (1 << 20):+0.0;-0.0} MB/h)"));
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<long?> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            if (value is { } known)
            {
                writer.WriteNumberValue(known);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<long> values) => WriteArray(writer, name, [.. values.Select(v => (long?)v)]);

    private static string Megabytes(long? bytes) => bytes is { } known ? (known / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) : "n/a";
}
