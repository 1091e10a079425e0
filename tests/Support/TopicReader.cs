using AccountMetadata.Silo.Kafka;
using Confluent.Kafka;

namespace AccountMetadata.Testing;

/// <summary>Reads a topic from the beginning (no group commits): dead letters, for instance.</summary>
public static class TopicReader
{
    public static List<ConsumeResult<string?, string>> ReadAtLeast(string topic, int count, TimeSpan timeout)
    {
        var config = KafkaClientConfigs.Consumer(StackEndpoints.Current.KafkaOptions(), "reader-" + Guid.NewGuid().ToString("N"));
        using var consumer = new ConsumerBuilder<string?, string>(config).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<string?, string>>();
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                results.Add(result);
            }
        }

        consumer.Close();
        return results;
    }

    /// <summary>
    /// Waits until the group committed every partition to its end. A backlog (a drill's outage) drains at the machine's
    /// pace, so this fails only when the commits stop advancing for a minute, or after 8 minutes in all.
    /// </summary>
    public static Task WaitUntilCommittedToTheEndAsync(string topic, string group, int partitions) => Eventually.UntilWhileProgressing(
        () => Task.FromResult(CommitLag.Of(topic, group, partitions)),
        lag => lag.Committed == lag.End,
        lag => lag.Committed,
        stall: TimeSpan.FromMinutes(1),
        limit: TimeSpan.FromMinutes(8),
        "every offset committed");

    /// <summary>Committed offsets of <paramref name="group"/> against the end of each partition of <paramref name="topic"/>.</summary>
    public static (long Committed, long End) CommittedVersusEnd(string topic, string group, int partitions)
    {
        var lag = CommitLag.Of(topic, group, partitions);
        return (lag.Committed, lag.End);
    }
}
