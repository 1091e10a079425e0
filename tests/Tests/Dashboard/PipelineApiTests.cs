using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AccountMetadata.Tests.Infrastructure;
using AccountMetadata.Tests.Ingestion;

namespace AccountMetadata.Tests.Dashboard;

/// <summary>The pipeline view's JSON moves when traffic moves.</summary>
public sealed class PipelineApiTests
{
    [Fact]
    public async Task Figures_move_with_ingestion_api_traffic_and_storage()
    {
        await using var silo = IngestingSilo.Create("dash");
        using var http = silo.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloFactory.AdminKey);
        using var before = await SnapshotAsync(http);
        var requestsBefore = before.RootElement.GetProperty("http").GetProperty("requestsTotal").GetInt64();

        using (var producer = new FeatureProducer())
        {
            for (var i = 0; i < 50; i++)
            {
                await producer.SendFeatureAsync(silo.IngestTopic, $"acc-{i % 10}", "orders", "total_orders", i.ToString(System.Globalization.CultureInfo.InvariantCulture), i);
            }
        }

        await silo.WaitUntilCommittedAsync(50);
        for (var i = 0; i < 20; i++)
        {
            using var read = await http.GetAsync($"/accounts/acc-{i % 10}/namespaces/orders");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using var after = await Eventually.Until(
            () => SnapshotAsync(http),
            s => s.RootElement.GetProperty("http").GetProperty("requestsTotal").GetInt64() >= requestsBefore + 20
                 && s.RootElement.GetProperty("ingestion").GetProperty("partitions").GetArrayLength() == 8,
            IngestingSilo.Patience,
            "snapshot reflecting the traffic");
        var root = after.RootElement;
        Assert.Equal(50, root.GetProperty("ingestion").GetProperty("consumedTotal").GetInt64());
        Assert.Equal(50, root.GetProperty("ingestion").GetProperty("appliedTotal").GetInt64());
        // How many flushes the 50 features took depends on timing; the coalescing figure must agree with the totals.
        var itemWrites = root.GetProperty("storage").GetProperty("itemWritesTotal").GetInt64();
        Assert.InRange(itemWrites, 10, 50); // at least one per account, at most one per feature
        Assert.Equal(Math.Round(50.0 / itemWrites, 2), root.GetProperty("storage").GetProperty("featuresPerItemWrite").GetDouble());
        // Orleans counts activations per process; this test process runs other silos beside this one.
        var grains = root.GetProperty("grainTypes").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "AccountGrain");
        Assert.True(grains.GetProperty("active").GetInt32() >= 10);
        Assert.True(root.GetProperty("silo").GetProperty("workingSetBytes").GetInt64() > 0);

        using var logs = await http.GetFromJsonAsync<JsonDocument>("/pipeline/api/logs");
        Assert.Contains(logs!.RootElement.EnumerateArray(), e => e.GetProperty("message").GetString()!.Contains("this silo pulls", StringComparison.Ordinal));

        using var inspection = await http.GetFromJsonAsync<JsonDocument>("/pipeline/api/accounts/acc-3");
        Assert.True(inspection!.RootElement.GetProperty("active").GetBoolean());
        var orders = inspection.RootElement.GetProperty("namespaces").EnumerateArray().Single();
        Assert.True(orders.GetProperty("durable").GetBoolean());
        Assert.Equal("43", orders.GetProperty("features").EnumerateArray().Single().GetProperty("value").GetString());
    }

    /// <summary>
    /// Freshness (broker acknowledgement to readable) is measured on sampled API writes: writes go on until the
    /// pipeline view has counted a few samples, which must lie between 0 and the minute a sample may take.
    /// </summary>
    [Fact]
    public async Task Acknowledged_api_writes_are_timed_until_readable()
    {
        await using var silo = IngestingSilo.Create("fresh");
        using var http = silo.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloFactory.AdminKey);
        using var writer = silo.CreateClient();
        writer.DefaultRequestHeaders.Add("X-Api-Key", SiloFactory.WriteKey);
        var written = 0;
        using var snapshot = await Eventually.Until(
            async () =>
            {
                var body = $$"""[{"account_id":"acc-fresh-{{written % 3}}","namespace":"orders","feature_name":"total_orders","feature_value":"{{written}}","timestamp":{{1_000 + written}}}]""";
                using (var accepted = await writer.PostAsync("/features", new StringContent(body, System.Text.Encoding.UTF8, "application/json")))
                {
                    Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
                }

                written++;
                return await SnapshotAsync(http);
            },
            s => s.RootElement.GetProperty("ingestion").GetProperty("freshness").GetProperty("samples").GetInt64() >= 3,
            IngestingSilo.Patience,
            "three freshness samples");
        var freshness = snapshot.RootElement.GetProperty("ingestion").GetProperty("freshness");
        Assert.InRange(freshness.GetProperty("p50Ms").GetDouble(), 0.001, 60_000);
        Assert.InRange(freshness.GetProperty("p99Ms").GetDouble(), freshness.GetProperty("p50Ms").GetDouble(), 60_000);
        Assert.Equal(0, freshness.GetProperty("missedTotal").GetInt64());
    }

    private static async Task<JsonDocument> SnapshotAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonDocument>("/pipeline/api/snapshot"))!;
}
