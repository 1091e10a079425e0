using System.Diagnostics;
using AccountMetadata.Silo.Kafka;
using AccountMetadata.Testing;
using Confluent.Kafka;

namespace AccountMetadata.Bench.Suite;

internal sealed partial class BenchSuite
{
    private const int RestartIngestPerSecond = 5_000;

    /// <summary>
    /// A silo restarted (SIGTERM, then a new process on the same table, topic and group) during a steady ingest of
    /// 5,000 features/s over the loaded accounts: its applied rate before, then the time from the SIGTERM until a
    /// whole second applies at that rate again (the bound: 30 s), split into the graceful stop, the new
    /// silo's start until ready, and the catching up on what was produced meanwhile. The new silo finds every
    /// account cold, so it loads them as their records come. Returns the new silo.
    /// </summary>
    private async Task<SiloProcess> RestartRecoveryAsync(SiloProcess silo, string table, string topic, string group, FeatureDataset data)
    {
        var config = KafkaClientConfigs.Producer(StackEndpoints.Current.KafkaOptions());
        config.LingerMs = 5;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        using var stop = new CancellationTokenSource();
        var background = Task.Run(() => BackgroundIngest(producer, topic, data, RestartIngestPerSecond, stop.Token));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(15)); // the steady state the restart interrupts: a duration, not a wait for an event
            var before = await AppliedAsync(silo);
            var window = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(10)); // the measuring window of the pre-restart rate
            var preRate = (await AppliedAsync(silo) - before) / window.Elapsed.TotalSeconds;
            _results.Set("restart_pre_rate", preRate);

            var sinceSigterm = Stopwatch.StartNew();
            await silo.StopAsync(TimeSpan.FromMinutes(2));
            silo.Dispose();
            var stopped = sinceSigterm.Elapsed;
            silo = await StartSiloAsync(table, topic, group, "restarted");
            var ready = sinceSigterm.Elapsed;

            // One-second windows on the new process's counter (it starts at zero).
            var (last, lastAt) = (0d, sinceSigterm.Elapsed);
            TimeSpan? recovered = null;
            while (recovered is null && sinceSigterm.Elapsed < Patience)
            {
                await Task.Delay(TimeSpan.FromSeconds(1)); // the sampling interval of the rate
                var (applied, at) = (await AppliedAsync(silo), sinceSigterm.Elapsed);
                if ((applied - last) / (at - lastAt).TotalSeconds >= preRate)
                {
                    recovered = at;
                }

                (last, lastAt) = (applied, at);
            }

            // Caught up: every partition pulled again (a partition not yet assigned reports no lag at all) and
            // less than half a second of input behind.
            var caughtUp = await Eventually.Until(
                async () =>
                {
                    var text = await _http.GetStringAsync(new Uri(silo.BaseAddress, "/metrics"));
                    return (Partitions: PrometheusText.LabelValues(text, "kafka_stream_partition_lag", "partition").Count,
                        Lag: PrometheusText.Sum(text, "kafka_stream_partition_lag"), At: sinceSigterm.Elapsed);
                },
                o => o.Partitions == 8 && o.Lag <= preRate / 2,
                Patience,
                "the restarted silo caught up");
            _results.Set("restart_recovery_s", (recovered ?? Patience).TotalSeconds);
            _results.Set("restart_stop_s", stopped.TotalSeconds);
            _results.Set("restart_start_s", (ready - stopped).TotalSeconds);
            _results.Set("restart_caught_up_s", caughtUp.At.TotalSeconds);
            Log($"restart during {RestartIngestPerSecond:N0} features/s: applied {preRate:N0}/s before; stop {stopped.TotalSeconds:F1} s, start until ready " +
                $"{(ready - stopped).TotalSeconds:F1} s, back at that rate {(recovered is { } r ? $"{r.TotalSeconds:F1} s" : "never")} after the SIGTERM, caught up after {caughtUp.At.TotalSeconds:F1} s");
            return silo;
        }
        finally
        {
            await stop.CancelAsync();
            await background;
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        async Task<double> AppliedAsync(SiloProcess of) =>
            await of.MetricAsync(_http, "ingest_applied_total") + await of.MetricAsync(_http, "ingest_ignored_older_total");
    }
}
