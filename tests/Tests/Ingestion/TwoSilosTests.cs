using System.Text;
using AccountMetadata.Grains;
using AccountMetadata.Streaming.Kafka;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>
/// Scale-out: two silos form one Orleans cluster (membership in the stack's Redis) and one consumer group. They split
/// the partitions; each account has one activation, wherever Orleans placed it (or, with <c>Grains:PlaceByPartition</c>,
/// on the silo pulling its partition), which both silos' consumers feed.
/// </summary>
public sealed class TwoSilosTests
{
    [Fact]
    public async Task Two_silos_split_the_partitions_and_every_feature_is_applied_once_the_rebalance_settles()
    {
        var name = StackEndpoints.UniqueName("pair");
        var settings = ClusterSettings(name, placeByPartition: false);
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
            () => a.Metrics().Partitions.Count + b.Metrics().Partitions.Count == 8 && a.Metrics().Partitions.Count > 0 && b.Metrics().Partitions.Count > 0,
            IngestingSilo.Patience,
            "partitions split between the two silos");
        await Eventually.Until(
            () => Task.FromResult(TopicReader.CommittedVersusEnd(a.IngestTopic, a.ConsumerGroup, 8)),
            o => o.Committed == o.End && o.End == first.Count + second.Count,
            IngestingSilo.Patience,
            "every offset committed");

        Assert.Empty(a.Metrics().Partitions.Keys.Intersect(b.Metrics().Partitions.Keys));
        using var client = SiloFactory.CreateDynamoDbClient();
        foreach (var account in expected.Accounts)
        {
            // The one activation answers through either silo...
            Assert.Empty(expected.Differences(account, await a.Grains.GetGrain<IAccountGrain>(account).NamespacesAsync()));
            Assert.Empty(expected.Differences(account, await b.Grains.GetGrain<IAccountGrain>(account).NamespacesAsync()));

            // ...and it is durable, since its offsets are committed.
            Assert.Empty(expected.Differences(account, await DynamoDbReader.ReadAccountAsync(client, a.TableName, account)));
        }
    }

    [Fact]
    public async Task Placed_by_partition_each_account_lives_on_the_silo_that_pulls_its_partition()
    {
        var name = StackEndpoints.UniqueName("placed");
        var settings = ClusterSettings(name, placeByPartition: true);
        var expected = new ExpectedState();
        var features = FeatureStream.Generate("acc", accounts: 100, versions: 1, seed: 9, expected);

        await using var a = new SiloFactory(name, settings);
        KafkaTopics.Create(a.IngestTopic);
        _ = a.Services;
        await using var b = new SiloFactory(name, settings);
        _ = b.Services;
        await Eventually.Until(
            () => a.Metrics().Partitions.Count == 4 && b.Metrics().Partitions.Count == 4,
            IngestingSilo.Patience,
            "partitions split between the two silos");

        // Produced only now: an account activated while one silo still pulled everything would rightly stay there.
        using var producer = new FeatureProducer();
        await producer.SendAllAsync(a.IngestTopic, features);
        await Eventually.Until(
            () => Task.FromResult(TopicReader.CommittedVersusEnd(a.IngestTopic, a.ConsumerGroup, 8)),
            o => o.Committed == o.End && o.End == features.Count,
            IngestingSilo.Patience,
            "every offset committed");

        foreach (var account in expected.Accounts)
        {
            var partition = (KafkaPartitioner.Murmur2(Encoding.UTF8.GetBytes(account)) & 0x7fffffff) % 8;
            var (puller, other) = a.Metrics().Partitions.ContainsKey(partition) ? (a, b) : (b, a);
            Assert.True(await puller.IsActiveAsync(account), $"{account} (partition {partition}) is not on the silo pulling its partition");
            Assert.False(await other.IsActiveAsync(account), $"{account} (partition {partition}) is on the other silo");
        }
    }

    /// <summary>Silos of one Redis-membership cluster, ingesting, committing often.</summary>
    private static Dictionary<string, string?> ClusterSettings(string name, bool placeByPartition) => new(StringComparer.Ordinal)
    {
        ["Ingestion:Enabled"] = "true",
        ["Ingestion:CommitInterval"] = "00:00:00.100",
        ["Cluster:Clustering"] = "Redis",
        ["Cluster:RedisConnectionString"] = StackEndpoints.Current.Redis,
        ["Cluster:ClusterId"] = name,
        ["Grains:PlaceByPartition"] = placeByPartition ? "true" : "false",
    };
}
