using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace AccountMetadata.Tests.Faults;

/// <summary>
/// Two clients reading active accounts back to back through the silos they are pointed at (round robin over
/// accounts and silos), counting every request answered 200 within the client's 10 s and every one that was not:
/// the availability a drill promises. Back to back, not paced: a read stuck behind a deactivating grain blocks its
/// client, and the share of such reads is only meaningful against as many reads as the silos can answer meanwhile.
/// </summary>
internal sealed class ReadAvailability : IAsyncDisposable
{
    private const int Readers = 2;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly int _accounts;
    private readonly Task[] _readers;
    private volatile Uri[] _through;
    private long _answered;
    private long _failed;
    private long _next = -1;

    private ReadAvailability(IEnumerable<Uri> through, int accounts)
    {
        _through = [.. through];
        _accounts = accounts;
        _readers = [.. Enumerable.Range(0, Readers).Select(_ => Task.Run(ReadAsync))];
    }

    public long Answered => Interlocked.Read(ref _answered);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Each kind of failure (status code or exception type) and how often it happened.</summary>
    public string Failures => string.Join(", ", _failures.Select(f => $"{f.Key} x{f.Value}"));

    /// <summary>Starts reading accounts 0 to <paramref name="accounts"/> - 1 of the steady ingest through <paramref name="through"/>.</summary>
    public static ReadAvailability Start(IEnumerable<Uri> through, int accounts) => new(through, accounts);

    /// <summary>From the next request on, reads go through these silos only (a silo about to stop is taken out first).</summary>
    public void ReadThrough(IEnumerable<Uri> silos) => _through = [.. silos];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
        _http.Dispose();
    }

    private async Task ReadAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            // One sequence for both readers, so every account is read through every silo in turn.
            var i = Interlocked.Increment(ref _next);
            var through = _through;
            var uri = new Uri(through[i % through.Length], $"/accounts/{SteadyIngest.AccountId((int)(i / through.Length % _accounts))}");
            try
            {
                using var response = await _http.GetAsync(uri, _stop.Token);
                Count(response.StatusCode == HttpStatusCode.OK ? null : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return; // the drill is over; this request is not counted
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                Count(exception.GetType().Name);
            }
        }
    }

    private void Count(string? failure)
    {
        if (failure is null)
        {
            Interlocked.Increment(ref _answered);
            return;
        }

        Interlocked.Increment(ref _failed);
        _failures.AddOrUpdate(failure, 1, (_, count) => count + 1);
    }
}
