using System.Diagnostics;
using AccountMetadata.Testing;

namespace AccountMetadata.Bench.Soak;

/// <summary>
/// Reads of random written accounts at a fixed rate (open loop: a slow answer does not slow the schedule), spread
/// over the silos, with latencies and errors collected per sampling interval. Anything but 200 is an error.
/// </summary>
internal sealed class PacedReads(HttpClient http, IReadOnlyList<Uri> silos, int accounts, int perSecond)
{
    private const int Workers = 16;
    private readonly object _gate = new();
    private List<double> _latencies = [];
    private long _errors;

    public async Task RunAsync(CancellationToken stop)
    {
        var period = TimeSpan.FromSeconds(Workers / (double)perSecond);
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(() => WorkerAsync(worker, period, stop), CancellationToken.None)));
    }

    public (int Count, double P99Ms, long Errors) TakeInterval()
    {
        List<double> latencies;
        long errors;
        lock (_gate)
        {
            latencies = _latencies;
            _latencies = new List<double>(latencies.Count);
            errors = Interlocked.Exchange(ref _errors, 0);
        }

        latencies.Sort();
        var p99 = latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))];
        return (latencies.Count, p99, errors);
    }

    private async Task WorkerAsync(int worker, TimeSpan period, CancellationToken stop)
    {
        var random = new Random(worker);
        var silo = silos[worker % silos.Count];
        var clock = Stopwatch.StartNew();
        var due = TimeSpan.FromTicks(period.Ticks * worker / Workers); // workers spread over one period
        while (!stop.IsCancellationRequested)
        {
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            due += period;
            var started = Stopwatch.GetTimestamp();
            var ok = false;
            try
            {
                using var response = await http.GetAsync(new Uri(silo, $"/accounts/{SteadyIngest.AccountId(random.Next(accounts))}"), CancellationToken.None);
                ok = response.StatusCode == System.Net.HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
                // the client's timeout: an error like any other
            }

            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (_gate)
            {
                _latencies.Add(latency);
            }

            if (!ok)
            {
                Interlocked.Increment(ref _errors);
            }
        }
    }
}
