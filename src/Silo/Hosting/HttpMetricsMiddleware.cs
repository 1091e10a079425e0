using System.Diagnostics;
using AccountMetadata.Silo.Metrics;

namespace AccountMetadata.Silo.Hosting;

/// <summary>Counts and times API requests: two striped increments and a histogram cell per request.</summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next, HttpMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        if (path.StartsWithSegments("/dashboard") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health"))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            metrics.Requests.Increment();
            metrics.Latency.RecordSince(started);
            var status = context.Response.StatusCode;
            if (status >= 500)
            {
                metrics.ServerErrors.Increment();
            }
            else if (status >= 400)
            {
                metrics.ClientErrors.Increment();
            }
        }
    }
}
