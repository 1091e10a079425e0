using AccountMetadata.Silo.Kafka;
using Confluent.Kafka;

namespace AccountMetadata.Testing;

/// <summary>
/// Creates topics on the local 0.9 broker, which has no CreateTopics API but creates a topic (8 partitions) when
/// asked for its metadata; returns once every partition has a leader.
/// </summary>
public static class KafkaTopics
{
    public static void Create(string topic)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(StackEndpoints.Current.KafkaOptions())).Build();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single();
            if (metadata.Error.Code == Confluent.Kafka.ErrorCode.NoError && metadata.Partitions.Count > 0 && metadata.Partitions.All(p => p.Leader >= 0))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"topic {topic} has no leaders: {metadata.Error.Reason}");
            }

            Thread.Sleep(50); // the broker elects leaders asynchronously and offers nothing to wait on
        }
    }
}
