using System.Diagnostics.Metrics;

namespace AccountMetadata.Silo.Metrics;

/// <summary>
/// Feeds <see cref="HttpMetrics"/> (the pipeline view's requests/s, errors and windowed p50/p99) from ASP.NET Core's
/// own <c>http.server.request.duration</c>, the instrument <c>/metrics</c> exports with route and status code: one
/// measurement per request, no middleware of ours. Operators' pages, health and metrics are left out: the view
/// is about the public API.
/// </summary>
public sealed class HttpServerMetricsListener(HttpMetrics metrics, IMeterFactory meters) : IHostedService, IDisposable
{
    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    private const string RequestDuration = "http.server.request.duration";
    private static readonly string[] OperationalRoutes = ["/dashboard", "/pipeline", "/metrics", "/health", "/signin", "/signout"];

    private readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Scope: this host's own meter (a test process may host several silos; listeners are process-wide).
            if (instrument.Meter.Name == HostingMeter && instrument.Name == RequestDuration && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(Record);
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var status = 0;
        foreach (var tag in tags)
        {
            if (tag.Key == "http.route" && tag.Value is string route && IsOperational(route))
            {
                return;
            }

            if (tag.Key == "http.response.status_code" && tag.Value is int code)
            {
                status = code;
            }
        }

        metrics.Requests.Increment();
        metrics.Latency.RecordMicroseconds((long)(seconds * 1e6));
        if (status >= 500)
        {
            metrics.ServerErrors.Increment();
        }
        else if (status >= 400)
        {
            metrics.ClientErrors.Increment();
        }
    }

    private static bool IsOperational(string route)
    {
        foreach (var prefix in OperationalRoutes)
        {
            if (route.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
