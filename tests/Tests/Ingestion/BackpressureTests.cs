using AccountMetadata.Grains;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>While DynamoDB refuses writes, ingestion pauses instead of piling state up in memory, then catches up.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task Consumption_pauses_while_storage_is_down_and_resumes_without_losing_anything()
    {
        var table = StackEndpoints.UniqueName("pressure");
        var client = new FaultInjectingDynamoDbClient(faultyCalls: int.MaxValue, throttle: true);
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Ingestion:Enabled"] = "true",
            ["Ingestion:CommitInterval"] = "00:00:00.100",
            ["Ingestion:PauseAtDirtyNamespaces"] = "20",
            ["Ingestion:MaxBatchMessages"] = "10",
            ["Storage:WriteBehind:InitialBackoff"] = "00:00:00.005",
            ["Storage:WriteBehind:MaxAttempts"] = "2",
        };
        await using var silo = new SiloFactory(table, settings, _ => client);
        KafkaTopics.Create(silo.IngestTopic);
        _ = silo.Services;

        var expected = new ExpectedState();
        using (var producer = new FeatureProducer())
        {
            await producer.SendAllAsync(silo.IngestTopic, FeatureStream.Generate("acc", accounts: 200, versions: 1, seed: 3, expected));
        }

        var metrics = silo.Metrics();
        // (It may also pause briefly while first activations are loading; the pause that matters is storage's.)
        await Eventually.Until(
            () => metrics.IsPaused && metrics.PauseReason?.Contains("waiting for DynamoDB", StringComparison.Ordinal) == true,
            IngestingSilo.Patience,
            "consumption paused for storage");

        // Paused means bounded: a few batches past the threshold at most, far from the 200 accounts' 800 namespaces.
        Assert.InRange(silo.Storage.DirtyNamespaces, 20, 100);
        Assert.True(metrics.Consumed.Value < 1000, $"consumed {metrics.Consumed.Value} of 1000 while storage was down");
        Assert.Equal(0, TopicReader.CommittedVersusEnd(silo.IngestTopic, silo.ConsumerGroup, 8).Committed);

        client.Healthy = true;
        await silo.WaitUntilCommittedAsync(1000);
        Assert.False(metrics.IsPaused);
        using var reader = SiloFactory.CreateDynamoDbClient();
        foreach (var account in expected.Accounts)
        {
            Assert.Empty(expected.Differences(account, await DynamoDbReader.ReadAccountAsync(reader, table, account)));
        }
    }
}
