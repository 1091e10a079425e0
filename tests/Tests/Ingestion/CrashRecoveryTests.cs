using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>At least once, never loss: SIGKILL in the middle of a large ingest, restart, compare every item.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task A_silo_killed_mid_ingest_loses_nothing_after_restart()
    {
        var names = SiloNames.Unique("crash");
        var (table, topic, group) = (names.Table, names.Topic, names.Group);
        var expected = new ExpectedState();
        var messages = FeatureStream.Generate("acc", accounts: 8_000, versions: 2, seed: 11, expected); // 80,000 messages
        KafkaTopics.Create(topic);
        using (var producer = new FeatureProducer())
        {
            await producer.SendAllAsync(topic, messages);
        }

        using var http = new HttpClient();
        using (var doomed = await SiloProcess.StartAsync(names))
        {
            await Eventually.Until(() => doomed.MetricAsync(http, "ingest_applied_total"), applied => applied >= messages.Count / 3, IngestingSilo.Patience, "a third applied");
            doomed.Kill();
        }

        var atKill = TopicReader.CommittedVersusEnd(topic, group, 8);
        Assert.True(atKill.Committed < atKill.End, $"the kill should land mid-ingest (committed {atKill.Committed} of {atKill.End})");

        using (var restarted = await SiloProcess.StartAsync(names))
        {
            await Eventually.Until(
                () => Task.FromResult(TopicReader.CommittedVersusEnd(topic, group, 8)),
                o => o.Committed == o.End,
                TimeSpan.FromMinutes(3),
                "every offset committed after the restart");
        }

        using var client = SiloFactory.CreateDynamoDbClient();
        var differences = new List<string>();
        foreach (var account in expected.Accounts)
        {
            differences.AddRange(expected.Differences(account, await DynamoDbReader.ReadAccountAsync(client, table, account)));
        }

        Assert.True(differences.Count == 0, $"{differences.Count} differences, first: {string.Join("; ", differences.Take(5))}");
    }
}
