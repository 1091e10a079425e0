using AccountMetadata.Silo.Metrics;

namespace AccountMetadata.Silo.Hosting;

/// <summary>The silo's operational endpoints: health and metrics.</summary>
public static class SiloEndpoints
{
    public static IEndpointRouteBuilder MapSiloEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health/live", () => TypedResults.Ok(new HealthStatus("live", null)));
        endpoints.MapGet("/health/ready", async (StorageReadiness readiness, CancellationToken cancellationToken) =>
        {
            var (ready, reason) = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
            return ready
                ? Results.Ok(new HealthStatus("ready", null))
                : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: reason);
        });
        endpoints.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Render(), PrometheusExporter.ContentType));
        return endpoints;
    }
}
