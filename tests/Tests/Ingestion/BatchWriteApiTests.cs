using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary><c>POST /features</c> and the schema endpoints, through Kafka to the grains.</summary>
public sealed class BatchWriteApiTests
{
    [Fact]
    public async Task Five_hundred_valid_items_are_accepted_after_the_broker_has_them_and_become_readable()
    {
        await using var silo = IngestingSilo.Create("batch");
        using var http = silo.CreateClient();
        var items = Enumerable.Range(0, 500).Select(i => new
        {
            account_id = $"acc-{i % 50}",
            feature_name = new[] { "total_orders", "orders_last_30d", "favourite_restaurant", "top_dishes", "average_ticket" }[i / 50 % 5],
            feature_value = (i / 50 % 5) switch { 2 or 3 => $"value-{i}", 4 => "12.5", _ => i.ToString(CultureInfo.InvariantCulture) },
            @namespace = "orders",
            timestamp = 1_700_000_000 + i,
        }).ToArray();

        using var response = await PostAsync(http, JsonSerializer.Serialize(items), SiloFactory.WriteKey);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using (var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal(500, body.RootElement.GetProperty("accepted").GetInt32());
        }

        // Accepted means the broker has them: the topic already holds all 500.
        Assert.Equal(500, TopicReader.CommittedVersusEnd(silo.IngestTopic, "nobody-" + Guid.NewGuid().ToString("N"), 8).End);

        await silo.WaitUntilCommittedAsync(500);
        Assert.Equal(500, silo.Metrics().Applied.Value);
        using var account = await http.GetFromJsonAsync<JsonDocument>("/accounts/acc-7/namespaces/orders");
        var features = account!.RootElement.GetProperty("features");
        Assert.Equal(5, features.EnumerateObject().Count());
        Assert.Equal("value-357", features.GetProperty("favourite_restaurant").GetString()); // the newer of acc-7's two
    }

    [Fact]
    public async Task Invalid_items_are_refused_one_by_one_and_nothing_is_written()
    {
        await using var silo = IngestingSilo.Create("batch-bad");
        using var http = silo.CreateClient();
        const string Body = """
            [
              {"account_id":"acc-1","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1},
              {"account_id":"acc 2","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1},
              {"account_id":"acc-3","feature_name":"total_orders","feature_value":"-1","namespace":"orders","timestamp":1},
              {"account_id":"acc-4","feature_name":"total_orders","feature_value":"1","namespace":"nowhere","timestamp":1},
              {"account_id":"acc-5","feature_name":"total_orders","feature_value":"1","namespace":"orders"}
            ]
            """;

        using var response = await PostAsync(http, Body, SiloFactory.WriteKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("reason").GetString())).ToList();
        Assert.Equal([(1, "invalid_account_id"), (2, "schema_violation"), (3, "unknown_namespace"), (4, "missing_field")], errors);
        Assert.Equal(0, TopicReader.CommittedVersusEnd(silo.IngestTopic, "nobody-" + Guid.NewGuid().ToString("N"), 8).End);
    }

    [Fact]
    public async Task The_write_key_is_required()
    {
        await using var silo = IngestingSilo.Create("batch-key");
        using var http = silo.CreateClient();
        const string Body = """[{"account_id":"acc-1","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1}]""";

        using var missing = await PostAsync(http, Body, key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        using var wrong = await PostAsync(http, Body, "not-the-key");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        using var admin = await PostAsync(http, Body, SiloFactory.AdminKey);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode); // an admin key is not a write key
    }

    [Fact]
    public async Task Schemas_are_served_replaced_and_validated()
    {
        await using var silo = IngestingSilo.Create("schemas");
        using var http = silo.CreateClient();

        using var listed = await http.GetFromJsonAsync<JsonDocument>("/namespaces");
        Assert.Equal(["orders", "preferences", "rewards", "segments"], listed!.RootElement.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()));
        using var orders = await http.GetAsync("/namespaces/orders/schema");
        Assert.Equal("application/schema+json", orders.Content.Headers.ContentType?.MediaType);
        Assert.Contains("total_orders", await orders.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/namespaces/unknown/schema")).StatusCode);

        using var invalid = await PutSchemaAsync(http, "loyalty", """{"type":"array"}""");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var valid = await PutSchemaAsync(http, "loyalty", """{"type":"object","properties":{"stamps":{"type":"integer","minimum":0}},"additionalProperties":false}""");
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);

        const string Body = """[{"account_id":"acc-1","feature_name":"stamps","feature_value":"7","namespace":"loyalty","timestamp":1}]""";
        using var accepted = await PostAsync(http, Body, SiloFactory.WriteKey);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/features") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PutSchemaAsync(HttpClient http, string ns, string document)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/namespaces/{ns}/schema")
        {
            Content = new StringContent(document, Encoding.UTF8, "application/schema+json"),
            Headers = { { "X-Api-Key", SiloFactory.AdminKey } },
        };
        return await http.SendAsync(request);
    }
}
