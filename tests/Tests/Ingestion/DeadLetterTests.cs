using System.Net;
using System.Text;
using System.Text.Json;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>Every reason a message cannot be applied reaches the dead-letter topic, while good messages apply.</summary>
public sealed class DeadLetterTests
{
    [Fact]
    public async Task Every_reason_is_dead_lettered_with_the_original_bytes_and_the_good_messages_apply()
    {
        await using var silo = IngestingSilo.Create("dlq");
        using var http = silo.CreateClient();

        // A namespace whose schema allows big values, to reach DynamoDB's item limit.
        using var schema = new StringContent("""{"type":"object","additionalProperties":false,"properties":{"blob0":{"type":"string"},"blob1":{"type":"string"},"blob2":{"type":"string"},"blob3":{"type":"string"},"blob4":{"type":"string"},"blob5":{"type":"string"},"blob6":{"type":"string"}}}""", Encoding.UTF8, "application/json");
        using var put = new HttpRequestMessage(HttpMethod.Put, "/namespaces/archive/schema") { Content = schema, Headers = { { "X-Api-Key", SiloFactory.AdminKey } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(put)).StatusCode);

        var big = new string('x', 60 * 1024);
        var bad = new (DeadLetterReason Reason, string Json)[]
        {
            (DeadLetterReason.NotJson, "this is not json"),
            (DeadLetterReason.MissingField, """{"account_id":"acc-1","feature_name":"total_orders","feature_value":"1","namespace":"orders"}"""),
            (DeadLetterReason.MistypedField, """{"account_id":"acc-1","feature_name":"total_orders","feature_value":1,"namespace":"orders","timestamp":1}"""),
            (DeadLetterReason.InvalidAccountId, """{"account_id":"acc 1","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1}"""),
            (DeadLetterReason.InvalidNamespace, """{"account_id":"acc-1","feature_name":"total_orders","feature_value":"1","namespace":"Orders","timestamp":1}"""),
            (DeadLetterReason.InvalidFeatureName, """{"account_id":"acc-1","feature_name":"_total","feature_value":"1","namespace":"orders","timestamp":1}"""),
            (DeadLetterReason.UnknownNamespace, """{"account_id":"acc-1","feature_name":"total_orders","feature_value":"1","namespace":"loyalty","timestamp":1}"""),
            (DeadLetterReason.UnknownFeature, """{"account_id":"acc-1","feature_name":"shoe_size","feature_value":"42","namespace":"orders","timestamp":1}"""),
            (DeadLetterReason.SchemaViolation, """{"account_id":"acc-1","feature_name":"total_orders","feature_value":"-3","namespace":"orders","timestamp":1}"""),
            (DeadLetterReason.ValueTooLarge, $$"""{"account_id":"acc-1","feature_name":"blob0","feature_value":"{{new string('y', 70 * 1024)}}","namespace":"archive","timestamp":1}"""),
        };

        using var producer = new FeatureProducer();
        var topic = silo.IngestTopic;
        var sent = 0;
        foreach (var (_, message) in bad)
        {
            await producer.SendFeatureAsync(topic, "acc-1", "orders", "total_orders", sent.ToString(System.Globalization.CultureInfo.InvariantCulture), sent);
            await producer.SendAsync(topic, "acc-1", Encoding.UTF8.GetBytes(message));
            sent += 2;
        }

        // Seven 60 KB features in one namespace: the seventh would push the item past 400 KB.
        for (var i = 0; i < 7; i++)
        {
            await producer.SendFeatureAsync(topic, "acc-big", "archive", $"blob{i}", big, 1);
            sent++;
        }

        await silo.WaitUntilCommittedAsync(sent);

        var letters = TopicReader.ReadAtLeast(silo.DeadLetterTopic, bad.Length + 1, IngestingSilo.Patience);
        var envelopes = letters.Select(l => JsonDocument.Parse(l.Message.Value)).ToList();
        var reasons = envelopes.Select(e => e.RootElement.GetProperty("reason").GetString()!).Order().ToList();
        var expected = bad.Select(b => DeadLetterReasons.Name(b.Reason)).Append(DeadLetterReasons.Name(DeadLetterReason.ItemSizeLimit)).Order().ToList();
        Assert.Equal(expected, reasons);
        foreach (var envelope in envelopes)
        {
            var root = envelope.RootElement;
            Assert.Equal(topic, root.GetProperty("source").GetProperty("topic").GetString());
            Assert.True(root.GetProperty("source").GetProperty("offset").GetInt64() >= 0);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("detail").GetString()));
            var original = root.GetProperty("value_base64").GetBytesFromBase64();
            var reason = root.GetProperty("reason").GetString();
            if (reason != "item_size_limit")
            {
                Assert.Contains(bad, b => DeadLetterReasons.Name(b.Reason) == reason && Encoding.UTF8.GetBytes(b.Json).SequenceEqual(original));
            }
        }

        var metrics = silo.Metrics();
        Assert.All(expected, name => Assert.Equal(1, metrics.DeadLettered(Enum.GetValues<DeadLetterReason>().Single(r => DeadLetterReasons.Name(r) == name)).Value));

        // The good messages around the bad ones all applied: the last value of total_orders is the last one sent.
        using var good = await http.GetAsync("/accounts/acc-1/namespaces/orders");
        using var json = JsonDocument.Parse(await good.Content.ReadAsStringAsync());
        Assert.Equal((2 * (bad.Length - 1)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            json.RootElement.GetProperty("features").GetProperty("total_orders").GetString());
        Assert.Equal(bad.Length + 6, metrics.Applied.Value);
    }
}
