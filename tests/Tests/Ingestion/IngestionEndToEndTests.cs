using AccountMetadata.Grains;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>Features produced to the local Kafka 0.9 broker reach the grains, the API and DynamoDB.</summary>
public sealed class IngestionEndToEndTests
{
    [Fact]
    public async Task A_confirmation_asked_again_while_the_first_still_waits_confirms_what_this_activation_applied()
    {
        // Nothing flushes by itself: the provider's own confirmation of the delivery waits until the test flushes.
        await using var silo = IngestingSilo.Create("confirm-again", new() { ["Storage:WriteBehind:FlushInterval"] = "01:00:00" });
        using var producer = new FeatureProducer();
        var sent = await producer.SendAsync(silo.IngestTopic, "acc-again", FeatureProducer.Feature("acc-again", "orders", "total_orders", "7", 1));
        var delivery = new RecordOrigin(sent.Partition.Value, sent.Offset.Value);
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-again");
        await Eventually.Until(async () => await grain.GetNamespaceAsync("orders") is not null, IngestingSilo.Patience, "applied");

        // As the provider asks when its first call timed out (DynamoDB slower than the response timeout).
        var again = grain.ConfirmDeliveriesAsync(new([delivery]));
        var onceMore = grain.ConfirmDeliveriesAsync(new([delivery]));
        await silo.Storage.FlushAsync(CancellationToken.None);

        Assert.Empty((await again.WaitAsync(IngestingSilo.Patience)).Value); // applied here: nothing to deliver again
        Assert.Empty((await onceMore.WaitAsync(IngestingSilo.Patience)).Value);
        Assert.Equal(0, silo.Metrics().Redelivered.Value);
    }

    [Fact]
    public async Task Produced_features_are_served_newest_wins_and_duplicates_are_harmless()
    {
        await using var silo = IngestingSilo.Create("e2e");
        using var http = silo.CreateClient();
        using var producer = new FeatureProducer();
        var topic = silo.IngestTopic;
        await producer.SendFeatureAsync(topic, "acc-1", "orders", "total_orders", "5", 200);
        await producer.SendFeatureAsync(topic, "acc-1", "orders", "total_orders", "4", 100); // older: ignored
        await producer.SendFeatureAsync(topic, "acc-1", "orders", "total_orders", "5", 200); // duplicate
        await producer.SendFeatureAsync(topic, "acc-1", "rewards", "tier", "gold", 1);
        await producer.SendFeatureAsync(topic, "acc-2", "segments", "segment", "new", 1);

        await silo.WaitUntilCommittedAsync(5);

        var metrics = silo.Metrics();
        Assert.Equal(1, metrics.IgnoredAsOlder.Value);
        Assert.Equal(0, metrics.DeadLetteredTotal);
        using var account = await http.GetFromJsonAsync<JsonDocument>("/accounts/acc-1");
        var namespaces = account!.RootElement.GetProperty("namespaces");
        Assert.Equal("5", namespaces.GetProperty("orders").GetProperty("total_orders").GetString());
        Assert.Equal("gold", namespaces.GetProperty("rewards").GetProperty("tier").GetString());

        // Committed means durable: DynamoDB already has what was committed.
        using var client = SiloFactory.CreateDynamoDbClient();
        var stored = await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-1");
        Assert.True(stored["orders"].TryGetValue("total_orders", out var total));
        Assert.Equal("5", total);
        Assert.Equal(200, stored["orders"].TimestampAt(stored["orders"].IndexOf("total_orders")));
    }

    [Fact]
    public async Task Delete_travels_through_the_topic_and_erases_the_account()
    {
        await using var silo = IngestingSilo.Create("erase");
        using var http = silo.CreateClient();
        using var producer = new FeatureProducer();
        await producer.SendFeatureAsync(silo.IngestTopic, "acc-e", "orders", "total_orders", "1", 1);
        await silo.WaitUntilCommittedAsync(1);

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/accounts/acc-e") { Headers = { { "X-Api-Key", SiloFactory.WriteKey } } };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        await silo.WaitUntilCommittedAsync(2);
        Assert.Equal(1, silo.Metrics().Erased.Value);
        using var gone = await http.GetAsync("/accounts/acc-e");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var client = SiloFactory.CreateDynamoDbClient();
        Assert.Empty(await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-e"));
    }
}
