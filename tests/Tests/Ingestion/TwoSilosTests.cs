using AccountMetadata.Grains;
using AccountMetadata.Silo.Kafka;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>Scale-out: two silos in one consumer group split the partitions, and each account lives on its owner.</summary>
public sealed class TwoSilosTests
{
    [Fact]
    public async Task Two_silos_split_the_partitions_and_every_feature_is_applied_once_the_rebalance_settles()
    {
        var name = StackEndpoints.UniqueName("pair");
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Ingestion:Enabled"] = "true",
            ["Ingestion:CommitInterval"] = "00:00:00.100",
        };
        var expected = new ExpectedState();
        var first = FeatureStream.Generate("acc", accounts: 200, versions: 2, seed: 7, expected);
        var second = FeatureStream.Generate("acc", accounts: 200, versions: 2, seed: 8, expected);

        await using var a = new SiloFactory(name, settings);
        KafkaTopics.Create(a.IngestTopic);
        _ = a.Services; // start silo A: it owns all 8 partitions
        using var producer = new FeatureProducer();
        await producer.SendAllAsync(a.IngestTopic, first);

        await using var b = new SiloFactory(name, settings);
        _ = b.Services; // silo B joins: the group rebalances while A may still be working
        await producer.SendAllAsync(a.IngestTopic, second);

        await Eventually.Until(
            () => a.Metrics().Partitions.Count + b.Metrics().Partitions.Count == 8 && !a.Metrics().Partitions.IsEmpty && !b.Metrics().Partitions.IsEmpty,
            IngestingSilo.Patience,
            "partitions split between the two silos");
        await Eventually.Until(
            () => Task.FromResult(TopicReader.CommittedVersusEnd(a.IngestTopic, a.ConsumerGroup, 8)),
            o => o.Committed == o.End && o.End == first.Count + second.Count,
            IngestingSilo.Patience,
            "every offset committed");

        var ownedByA = a.Metrics().Partitions.Keys.ToHashSet();
        Assert.Empty(ownedByA.Intersect(b.Metrics().Partitions.Keys));
        using var client = SiloFactory.CreateDynamoDbClient();
        foreach (var account in expected.Accounts)
        {
            // Served from memory by the owner...
            var owner = ownedByA.Contains(KafkaPartitioner.PartitionOf(account, 8)) ? a : b;
            var inMemory = (await owner.Grains.GetGrain<IAccountGrain>(account).GetAllAsync()).ToDictionary(n => n.Namespace);
            Assert.Empty(expected.Differences(account, inMemory));

            // ...and durable, since its offsets are committed.
            Assert.Empty(expected.Differences(account, await DynamoDbReader.ReadAccountAsync(client, a.TableName, account)));
        }

        // A read that reaches the other silo is served from storage, and that silo does not keep the copy, which
        // would never see the owner's later writes.
        var foreign = expected.Accounts.First(account => ownedByA.Contains(KafkaPartitioner.PartitionOf(account, 8)));
        using var http = b.CreateClient();
        using var response = await http.GetAsync($"/accounts/{foreign}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"namespaces\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var bCatalog = b.Runtime.CatalogOf<IAccountGrain>();
        await Eventually.Until(() => !bCatalog.IsActive(foreign), IngestingSilo.Patience, "the non-owner let the copy go");
        Assert.True(a.Runtime.CatalogOf<IAccountGrain>().IsActive(foreign));
    }
}
