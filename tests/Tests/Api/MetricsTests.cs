using System.Net;
using System.Text;
using AccountMetadata.Tests.Infrastructure;
using AccountMetadata.Tests.Ingestion;

namespace AccountMetadata.Tests.Api;

/// <summary>
/// <c>/metrics</c> (OpenTelemetry's Prometheus exporter) after a known workload: its counts are the workload's, and
/// its names follow OpenTelemetry's conventions as Prometheus renders them.
/// </summary>
public sealed class MetricsTests
{
    private const int Accounts = 6;
    private const int FeaturesPerAccount = 3;
    private const int NotJson = 3;
    private const int Reads = 12;
    private const int Misses = 4;
    private static readonly string[] FeatureNames = ["total_orders", "orders_last_30d", "average_ticket"]; // the orders schema's

    /// <summary>
    /// In a silo process of its own, as in production: meters are process-wide, so silos hosted side by side in the
    /// test process would see each other's instruments.
    /// </summary>
    [Fact]
    public async Task After_a_known_workload_the_counts_match_it()
    {
        var names = SiloNames.Unique("metrics");
        KafkaTopics.Create(names.Topic);
        using (var producer = new FeatureProducer())
        {
            for (var account = 0; account < Accounts; account++)
            {
                for (var feature = 0; feature < FeaturesPerAccount; feature++)
                {
                    await producer.SendFeatureAsync(names.Topic, $"acc-m{account}", "orders", FeatureNames[feature], "1", 1);
                }
            }

            for (var i = 0; i < NotJson; i++)
            {
                await producer.SendAsync(names.Topic, "acc-m0", Encoding.UTF8.GetBytes("{not json"));
            }
        }

        const int features = Accounts * FeaturesPerAccount;
        var started = DateTimeOffset.UtcNow;
        using var silo = await SiloProcess.StartAsync(names);
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        await Eventually.Until(
            () => silo.MetricAsync(http, "ingest_applied_total"), applied => applied >= features, IngestingSilo.Patience, "the features applied");
        await Eventually.Until(
            () => silo.MetricAsync(http, "kafka_stream_dead_letters_total"), dead => dead >= NotJson, IngestingSilo.Patience, "the dead letters acknowledged");
        // Storage writes behind (every 250 ms): applied is not yet written, and a fast machine scraped 3 item writes of 6.
        await Eventually.Until(
            () => silo.MetricAsync(http, "dynamodb_storage_item_writes_total"), writes => writes >= Accounts, IngestingSilo.Patience, "every account written");
        for (var i = 0; i < Reads; i++)
        {
            using var read = await http.GetAsync(new Uri($"/accounts/acc-m{i % Accounts}/namespaces/orders", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        for (var i = 0; i < Misses; i++)
        {
            using var miss = await http.GetAsync(new Uri($"/accounts/acc-absent-{i}/namespaces/orders", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);
        }

        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(features + NotJson, PrometheusText.Sum(text, "ingest_consumed_total"));
        Assert.Equal(features, PrometheusText.Sum(text, "ingest_applied_total"));
        Assert.Equal(NotJson, PrometheusText.Sum(text, "ingest_dead_lettered_total", "reason=\"not_json\""));
        Assert.Equal(NotJson, PrometheusText.Sum(text, "ingest_dead_lettered_total"));
        Assert.Equal(NotJson, PrometheusText.Sum(text, "kafka_stream_dead_letters_total"));
        Assert.Equal(8, PrometheusText.LabelValues(text, "kafka_stream_partition_lag", "partition").Count);
        Assert.Equal(0, PrometheusText.Sum(text, "kafka_stream_partition_lag"));
        Assert.InRange(PrometheusText.Sum(text, "dynamodb_storage_item_writes_total"), Accounts, features);
        Assert.InRange(PrometheusText.Sum(text, "dynamodb_storage_namespace_changes_total"), Accounts, features); // one per grain write
        Assert.True(PrometheusText.Sum(text, "orleans_grains", "grain_type=\"account\"") >= Accounts);
        var lastApplied = DateTimeOffset.FromUnixTimeMilliseconds((long)(PrometheusText.Sum(text, "ingest_last_delivery_applied_timestamp_seconds") * 1000));
        Assert.InRange(lastApplied, started.AddSeconds(-1), DateTimeOffset.UtcNow); // the silo's clock and ours are the machine's

        const string route = "http_route=\"/accounts/{accountId}/namespaces/{namespace}\"";
        Assert.Equal(Reads, PrometheusText.Sum(text, "http_server_request_duration_seconds_count", route, "http_response_status_code=\"200\""));
        Assert.Equal(Misses, PrometheusText.Sum(text, "http_server_request_duration_seconds_count", route, "http_response_status_code=\"404\""));
        Assert.True(PrometheusText.Sum(text, "http_server_request_duration_seconds_sum", route) > 0);

        // No instrument went past its cardinality limit (SiloTelemetry sizes most for 128 tag sets): the excess
        // would be lumped into one overflow series.
        Assert.DoesNotContain("otel_metric_overflow", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_follow_OpenTelemetry_conventions_as_Prometheus_renders_them()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("metric-names"));
        using var http = silo.CreateClient();
        (await http.GetAsync("/accounts/acc-named")).Dispose(); // a load and a request: their histograms have a point
        var text = await http.GetStringAsync("/metrics");
        var types = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(p => p[2], p => p[3], StringComparer.Ordinal);

        foreach (var (name, type) in types)
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", name); // dots became underscores, nothing upper-case
            if (type == "counter")
            {
                Assert.EndsWith("_total", name, StringComparison.Ordinal); // monotonic sums, suffixed by the exporter
            }
        }

        foreach (var histogram in types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            Assert.Contains(histogram + "_sum{", text, StringComparison.Ordinal);
            Assert.Contains(histogram + "_count{", text, StringComparison.Ordinal);
        }

        // Units are in the names (UCUM, as OpenTelemetry's exporter appends them): seconds and bytes, never ms.
        Assert.Equal("histogram", types["http_server_request_duration_seconds"]);
        Assert.Equal("histogram", types["dynamodb_storage_load_duration_seconds"]);
        Assert.Equal("gauge", types["dynamodb_storage_dirty_bytes"]);
        Assert.DoesNotContain(types.Keys, name => name.EndsWith("_ms", StringComparison.Ordinal) && name != "ingest_first_message_unix_ms");
        Assert.Contains("otel_scope_name=\"Microsoft.Orleans\"", text, StringComparison.Ordinal);
        Assert.Contains("otel_scope_name=\"System.Runtime\"", text, StringComparison.Ordinal);
    }
}
