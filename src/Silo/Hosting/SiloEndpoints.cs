using AccountMetadata.Silo.Schemas;

namespace AccountMetadata.Silo.Hosting;

/// <summary>The silo's operational endpoints: health and metrics.</summary>
public static class SiloEndpoints
{
    public static IEndpointRouteBuilder MapSiloEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health/live", () => TypedResults.Ok(new HealthStatus("live", null)));
        endpoints.MapGet("/health/ready", async (StorageReadiness readiness, NamespaceSchemaRegistry schemas, CancellationToken cancellationToken) =>
        {
            var (ready, reason) = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
            return ready
                ? Results.Ok(new HealthStatus("ready", UnusableSchemas(schemas)))
                : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: reason);
        });
        if (SiloTelemetry.IsEnabled(endpoints.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            endpoints.MapPrometheusScrapingEndpoint("/metrics"); // OpenTelemetry's exporter: see SiloTelemetry
        }

        return endpoints;
    }

    /// <summary>
    /// Ready all the same (the other namespaces work), but an operator must see it: the namespaces whose stored schema
    /// cannot be loaded, whose messages are dead-lettered until a valid schema replaces it.
    /// </summary>
    private static string? UnusableSchemas(NamespaceSchemaRegistry schemas) => schemas.Unusable.Count == 0
        ? null
        : "namespaces whose stored schema cannot be loaded (their messages are dead-lettered): "
          + string.Join("; ", schemas.Unusable.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key}: {u.Value}"));
}
