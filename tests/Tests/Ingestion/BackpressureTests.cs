using AccountMetadata.Grains;
using AccountMetadata.Streaming.Kafka;
using AccountMetadata.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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
            // The hard bound: records read and not yet durable. Storage's signal (dirty namespaces) pauses reading
            // once deliveries have applied enough; on a busy machine a few more reads may go before they have.
            ["Ingestion:MaxUncommittedMessages"] = "300",
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
        try
        {
            // (It may also pause briefly while first activations are loading; the pause that matters is storage's.)
            await Eventually.Until(
                () => metrics.IsPaused && metrics.PauseReason?.Contains("waiting for DynamoDB", StringComparison.Ordinal) == true,
                IngestingSilo.Patience,
                "consumption paused for storage");

            // Paused means bounded: past the threshold by the reads that went before deliveries applied, never past
            // the uncommitted bound (300, plus one read of 10 per partition), far from the 200 accounts' 800 namespaces.
            var (dirty, consumed) = (silo.Storage.DirtyNamespaces, metrics.Consumed.Value);
            Assert.True(dirty is >= 20 and < 380, $"{dirty} namespaces dirty at the pause (consumed {consumed}), not 20-379");
            Assert.True(consumed < 380, $"consumed {consumed} of 1000 while storage was down ({dirty} namespaces dirty)");
            Assert.Equal(0, TopicReader.CommittedVersusEnd(silo.IngestTopic, silo.ConsumerGroup, 8).Committed);
        }
        finally
        {
            // Whatever failed above, storage comes back before the silo stops: a stop that cannot flush outlives the
            // host's shutdown timeout, and its TaskCanceledException would hide the failure.
            client.Healthy = true;
        }

        await silo.WaitUntilCommittedAsync(1000);
        Assert.False(metrics.IsPaused);
        using var reader = SiloFactory.CreateDynamoDbClient();
        foreach (var account in expected.Accounts)
        {
            Assert.Empty(expected.Differences(account, await DynamoDbReader.ReadAccountAsync(reader, table, account)));
        }
    }

    /// <summary>
    /// The pulling agent does not ask a paused partition to read, so what shows a partition pulled cannot wait for its
    /// first read: a silo that takes partitions while paused (its store behind) must still list them, paused.
    /// </summary>
    [Fact]
    public async Task Partitions_taken_while_paused_are_listed_as_paused_and_read_once_the_pause_ends()
    {
        var backpressure = new SwitchableBackpressure("paused by the test");
        await using var silo = IngestingSilo.Create(
            "paused-start", services: services => services.AddKeyedSingleton<IKafkaStreamBackpressure>(AccountStreams.ProviderName, backpressure));
        var messages = FeatureStream.Generate("paused", accounts: 20, versions: 1, seed: 5, new ExpectedState());
        using (var producer = new FeatureProducer())
        {
            await producer.SendAllAsync(silo.IngestTopic, messages);
        }

        var statistics = silo.Services.GetRequiredKeyedService<KafkaStreamStatistics>(AccountStreams.ProviderName);
        await Eventually.Until(
            () => Task.FromResult(statistics.Partitions.Values.ToList()),
            partitions => partitions.Count == 8 && partitions.All(p => p.PauseReason == "paused by the test"),
            IngestingSilo.Patience,
            "all 8 partitions listed, paused");
        Assert.Equal(0, statistics.RecordsRead);
        Assert.Equal(messages.Count, statistics.Partitions.Values.Sum(p => p.Lag)); // the backlog, asked of the broker

        backpressure.Reason = null;
        await silo.WaitUntilCommittedAsync(messages.Count);
        Assert.All(statistics.Partitions.Values, p => Assert.False(p.IsPaused, $"partition {p.Partition}: {p.PauseReason}"));
    }
}
