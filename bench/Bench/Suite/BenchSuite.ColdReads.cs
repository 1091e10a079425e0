using System.Diagnostics;
using System.Globalization;
using AccountMetadata.Testing;

namespace AccountMetadata.Bench.Suite;

internal sealed partial class BenchSuite
{
    private static readonly TimeSpan LoadSampleInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Only the cold reads, to find what bounds them: on accounts loaded first, the DynamoDB-direct baseline (median of
    /// three), then <paramref name="rounds"/> silos each started afresh on the same table and read as the suite reads
    /// them, with the silo's account loads sampled through the run: when half, nine tenths and all of the accounts
    /// were loaded, and the load rate. A silo's settings can be varied through the environment (it inherits the
    /// bench's). Prints the figures; writes nothing.
    /// </summary>
    public async Task<BenchResults> RunColdReadsAsync(int rounds)
    {
        var (silo, topic, table, group, _) = await StartLoadedSiloAsync("cold-reads");
        try
        {
            var direct = new List<MeasuredReads>();
            for (var round = 0; round < 3; round++)
            {
                direct.Add(await MeasureReadsAsync(silo, ReadScript(settings.Accounts, "/bench/direct")));
            }

            var directMedian = Median(direct);
            var directRate = directMedian.Reads.RequestsPerSecond;
            Log($"DynamoDB-direct reads (median of 3): {directMedian}");
            for (var round = 1; round <= rounds; round++)
            {
                silo = await StartAfreshAsync(silo, table, topic, group, $"cold-reads-{round}");
                var (reads, loads) = await ColdReadsWithLoadsAsync(silo, settings.Accounts);
                Log($"cold reads, round {round}: {reads.RequestsPerSecond:N0} req/s, p50 {reads.P50Ms:F2} ms, p99 {reads.P99Ms:F2} ms, "
                    + $"{reads.Errors} errors, {reads.RequestsPerSecond / directRate:F1}x direct; {loads}");
            }
        }
        finally
        {
            await silo.StopAsync(TimeSpan.FromMinutes(2));
            silo.Dispose();
        }

        return _results;
    }

    /// <summary>One 20 s cold-read run, the silo's account loads sampled every half second meanwhile.</summary>
    private async Task<(Wrk.Report Reads, AccountLoadTimeline Loads)> ColdReadsWithLoadsAsync(SiloProcess silo, int accounts)
    {
        using var done = new CancellationTokenSource();
        var samples = new List<(TimeSpan At, double Loads, double Requests)>();
        var clock = Stopwatch.StartNew();
        var reading = Wrk.RunAsync(silo.BaseAddress, ReadScript(accounts, ""), threads: 2, connections: 64, seconds: 20);
        var sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(LoadSampleInterval);
            try
            {
                do
                {
                    var text = await _http.GetStringAsync(new Uri(silo.BaseAddress, "/metrics"), done.Token);
                    samples.Add((clock.Elapsed,
                        PrometheusText.Sum(text, "dynamodb_storage_account_loads_total"),
                        PrometheusText.Sum(text, "dynamodb_storage_account_load_requests_total")));
                }
                while (await timer.WaitForNextTickAsync(done.Token));
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                // The read run is over.
            }
        });
        var reads = await reading;
        await done.CancelAsync();
        await sampling;
        return (reads, new AccountLoadTimeline(accounts, samples));
    }

    /// <summary>How a cold silo's account loads went during a read run, from samples of its counters.</summary>
    private sealed class AccountLoadTimeline(int accounts, List<(TimeSpan At, double Loads, double Requests)> samples)
    {
        private TimeSpan? When(double share)
        {
            foreach (var sample in samples)
            {
                if (sample.Loads >= accounts * share)
                {
                    return sample.At;
                }
            }

            return null;
        }

        public override string ToString()
        {
            var last = samples[^1];
            var peak = samples.Zip(samples.Skip(1), (a, b) => (b.Loads - a.Loads) / (b.At - a.At).TotalSeconds).DefaultIfEmpty(0).Max();
            string At(double share) => When(share) is { } at ? at.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "not reached";
            return string.Create(CultureInfo.InvariantCulture,
                $"accounts loaded {last.Loads:N0} of {accounts:N0} in {last.Requests:N0} requests ({last.Loads / Math.Max(1, last.Requests):F1} each); "
                + $"half at {At(0.5)}, 90% at {At(0.9)}, all at {At(1.0)}; peak {peak:N0} loads/s");
        }
    }
}
