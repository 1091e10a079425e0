using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Tests.Infrastructure;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>
/// A cold account's grain activates before its items arrive from DynamoDB (<c>DynamoDb:ActivateBeforeLoad</c>): the
/// stream's handshake, which holds its partition until the grain answers, does not wait for the load. Updates apply
/// meanwhile; nothing is answered, written or committed until the items are taken in, merged by feature timestamp.
/// </summary>
public sealed class ActivateBeforeLoadTests
{
    [Fact]
    public async Task A_delivery_applies_while_the_load_is_held_and_merges_with_the_stored_item_by_timestamp()
    {
        using var gated = new GatedLoadsDynamoDbClient();
        await using var silo = IngestingSilo.Create("before-load", dynamoDb: _ => gated);
        var metrics = silo.Metrics(); // started: the table exists
        var table = silo.TableName;
        using (var client = SiloFactory.CreateDynamoDbClient())
        {
            await client.PutItemAsync(table, StoredOrders());
        }

        using var producer = new FeatureProducer();
        await producer.SendFeatureAsync(silo.IngestTopic, "acc-cold", "orders", "total_orders", "5", 200); // older than stored
        await producer.SendFeatureAsync(silo.IngestTopic, "acc-cold", "orders", "favourite_restaurant", "Pizza Place", 150); // newer than stored
        await producer.SendFeatureAsync(silo.IngestTopic, "acc-cold", "segments", "segment", "gold", 1); // no item yet

        // Applied with the account's load asked for and held: the delivery did not wait for it.
        await Eventually.Until(
            () => Task.FromResult((Applied: metrics.Applied.Value, Loads: gated.BatchGetCalls)),
            o => o.Applied == 3 && o.Loads >= 1,
            IngestingSilo.Patience,
            "three updates applied, the account's load in flight");
        var read = silo.Grains.GetGrain<IAccountGrain>("acc-cold").GetNamespaceAsync("orders").AsTask();
        Assert.False(read.IsCompleted); // a read answers only once the stored item is in
        var (committed, end) = TopicReader.CommittedVersusEnd(silo.IngestTopic, silo.ConsumerGroup, 8);
        Assert.True(committed < end, $"committed {committed} of {end} before anything could be durable");
        Assert.Equal(0, silo.Storage.Metrics.ItemWrites.Value);

        gated.Open();
        var orders = await read.WaitAsync(IngestingSilo.Patience);
        Assert.NotNull(orders);
        Assert.Equal("9", Value(orders, "total_orders")); // the stored, newer value wins
        Assert.Equal("Pizza Place", Value(orders, "favourite_restaurant"));

        await silo.WaitUntilCommittedAsync(3);
        using var reader = SiloFactory.CreateDynamoDbClient();
        var stored = await DynamoDbReader.ReadAccountAsync(reader, table, "acc-cold");
        Assert.Equal("9", Value(stored["orders"], "total_orders"));
        Assert.Equal(300, stored["orders"].TimestampAt(stored["orders"].IndexOf("total_orders")));
        Assert.Equal("Pizza Place", Value(stored["orders"], "favourite_restaurant"));
        Assert.Equal("gold", Value(stored["segments"], "segment"));
        Assert.Equal(0, silo.Storage.Metrics.Conflicts.Value); // written on the loaded item's version, not after a refusal
    }

    [Fact]
    public async Task Loads_that_fail_pause_reading_and_are_asked_again_until_every_delivery_is_durable_and_committed()
    {
        const int Accounts = 60;
        const int Versions = 2;
        using var client = new FailingLoadsDynamoDbClient();
        await using var silo = IngestingSilo.Create("failed-loads", dynamoDb: _ => client);
        var metrics = silo.Metrics();
        var table = silo.TableName;

        var expected = new ExpectedState();
        using (var producer = new FeatureProducer())
        {
            await producer.SendAllAsync(silo.IngestTopic, FeatureStream.Generate("acc", Accounts, Versions, seed: 11, expected));
        }

        try
        {
            // The grains take the deliveries; their loads keep failing, and reading stops, named for it (what waits for a
            // load is not in storage's dirty counts). Nothing can be committed before the items are in.
            await Eventually.Until(
                () => metrics.Applied.Value > 0 && metrics.PauseReason?.Contains("account loads", StringComparison.Ordinal) == true,
                IngestingSilo.Patience,
                "deliveries applied, reading paused for the failing loads");
            Assert.Equal(0, TopicReader.CommittedVersusEnd(silo.IngestTopic, silo.ConsumerGroup, 8).Committed);
        }
        finally
        {
            client.Healthy = true; // whatever failed above, the silo can flush before it stops
        }

        // The loads are asked again (by the provider's confirmations) until they succeed, and reading resumes.
        await silo.WaitUntilCommittedAsync(Accounts * Versions * 5);
        Assert.True(silo.Storage.Metrics.FailedLoads.Value >= 1);
        Assert.Equal(client.FailedLoads, silo.Storage.Metrics.FailedLoads.Value);
        await Eventually.Until(() => !metrics.IsPaused, IngestingSilo.Patience, "reading resumed");
        using var reader = SiloFactory.CreateDynamoDbClient();
        foreach (var account in expected.Accounts)
        {
            Assert.Empty(expected.Differences(account, await DynamoDbReader.ReadAccountAsync(reader, table, account)));
        }
    }

    private static string? Value(NamespaceFeatures features, string name) =>
        features.TryGetValue(name, out var value) ? value : null;

    private static Dictionary<string, AttributeValue> StoredOrders()
    {
        var builder = NamespaceFeatures.Empty("orders").ToBuilder();
        builder.Add("total_orders", "9", 300);
        builder.Add("favourite_restaurant", "Soup Bar", 100);
        return AccountItemCodec.ToItem("acc-cold", builder.Build(300));
    }
}
