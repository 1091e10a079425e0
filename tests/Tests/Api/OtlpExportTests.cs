using System.Net;
using System.Text;

namespace AccountMetadata.Tests.Api;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, a silo sends its traces (ASP.NET Core's requests and Orleans' grain
/// calls) and its metrics over OTLP, as an OpenTelemetry Collector would receive them.
/// </summary>
public sealed class OtlpExportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Traces_and_metrics_reach_the_configured_OTLP_endpoint()
    {
        using var collector = OtlpCollector.Start();
        var names = SiloNames.Unique("otlp");
        KafkaTopics.Create(names.Topic);
        using var silo = await SiloProcess.StartAsync(names, "Warning", new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export at once rather than after the defaults' 5 s (spans) and 60 s (metrics).
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });

        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        using (var read = await http.GetAsync(new Uri("/accounts/otlp-probe", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode); // an account never written: still one request, one grain call
        }

        // The request's server span, named by its route, and the grain call it made, in one export or several.
        await Eventually.Until(
            () => Contains(collector.Received("/v1/traces"), "GET /accounts/{accountId}") && Contains(collector.Received("/v1/traces"), "IAccountGrain"),
            Patience,
            "the read's request and grain-call spans exported");
        Assert.True(Contains(collector.Received("/v1/traces"), "account-metadata"), "the spans carry the service name");

        // Metrics: ASP.NET Core's, Orleans' and ours, under their OpenTelemetry names (not Prometheus' renderings).
        await Eventually.Until(
            () => Contains(collector.Received("/v1/metrics"), "http.server.request.duration")
                  && Contains(collector.Received("/v1/metrics"), "orleans-")
                  && Contains(collector.Received("/v1/metrics"), "ingest.applied"),
            Patience,
            "the metrics exported");
    }

    private static bool Contains(IReadOnlyCollection<byte[]> bodies, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return bodies.Any(body => body.AsSpan().IndexOf(bytes) >= 0);
    }
}
