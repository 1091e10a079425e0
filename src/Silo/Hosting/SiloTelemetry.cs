using System.Diagnostics.Metrics;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Silo.Metrics;
using AccountMetadata.Streaming.Kafka;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// OpenTelemetry: Orleans' meter, ASP.NET Core's (requests by route and status code), the .NET runtime's, and ours
/// (ingestion, the Kafka stream provider, the DynamoDB storage), scraped at <c>/metrics</c> in Prometheus' format and
/// sent over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard variable, which the exporter reads).
/// Traces (Orleans' activity sources and ASP.NET Core) are only collected then: nobody would read them otherwise.
/// </summary>
public static class SiloTelemetry
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>False turns OpenTelemetry off (no <c>/metrics</c>): what the benchmark compares against to price it.</summary>
    public const string EnabledSetting = "Telemetry:Metrics";

    /// <summary>
    /// Nearly every instrument carries a handful of tag sets (a grain type, a GC generation, a flush outcome), but
    /// OpenTelemetry sizes every stream's points for its default limit (2,000) up front. A heap snapshot of a silo in
    /// the soak: 38 MB of MetricPoint arrays in 270 streams (ours and the Orleans Dashboard's own provider); 18 MB
    /// with this limit on ours. An instrument past it reports the excess as one otel_metric_overflow series
    /// (MetricsTests checks none does).
    /// </summary>
    private const int FewTagSets = 128;

    private static readonly string[] Meters =
    [
        OrleansMeterMirror.SourceMeterName,
        IngestionMetrics.MeterName,
        KafkaStreamStatistics.MeterName,
        StorageMetrics.MeterName,
    ];

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue(EnabledSetting, true);

    public static IServiceCollection AddAccountMetadataTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HttpMetrics>();
        services.AddSingleton<HttpServerMetricsListener>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpServerMetricsListener>());
        if (!IsEnabled(configuration))
        {
            return services;
        }

        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("account-metadata"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddView(StreamOf)
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0); // a scrape sees now
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// One view for every instrument (OpenTelemetry makes a stream per matching view, so they cannot be split): what
    /// is dropped, and how many tag sets the rest may have.
    /// </summary>
    private static MetricStreamConfiguration? StreamOf(Instrument instrument) => instrument switch
    {
        // Per-request instruments that http.server.request.duration already answers for (its _count by route and
        // status): measured on every read, exported for nothing.
        { Name: "http.server.active_requests" or "aspnetcore.routing.match_attempts" } => MetricStreamConfiguration.Drop,

        // Kestrel's memory pool (.NET 10) counts every buffer rented and returned, about three of each per request:
        // six updates a read, for figures no operator acts on. Its allocations and evictions (rare) stay.
        { Name: "aspnetcore.memory_pool.rented" or "aspnetcore.memory_pool.pooled" } => MetricStreamConfiguration.Drop,

        // Orleans counts directory lookups and each message's passage through its dispatcher on every grain call:
        // aggregated here they were the largest share of OpenTelemetry's cost on hot reads (perf, and the telemetry
        // bench). The Orleans Dashboard still shows them; the request rate and latency stay in
        // orleans-app-requests-latency.
        { Meter.Name: OrleansMeterMirror.SourceMeterName } when PerMessage(instrument.Name) => MetricStreamConfiguration.Drop,

        // Tagged by something that grows with the deployment: Kafka partitions, routes x status codes.
        { Meter.Name: KafkaStreamStatistics.MeterName } or { Name: "http.server.request.duration" } => null,
        _ => new MetricStreamConfiguration { CardinalityLimit = FewTagSets },
    };

    private static bool PerMessage(string orleansInstrument) =>
        orleansInstrument.StartsWith("orleans-directory-lookups", StringComparison.Ordinal)
        || orleansInstrument is "orleans-messaging-sent-local" or "orleans-messaging-processing-ima-received"
            or "orleans-messaging-processing-dispatcher-received" or "orleans-messaging-processing-dispatcher-processed";
}
