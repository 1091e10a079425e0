using AccountMetadata.Streaming.Kafka;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

public sealed class KafkaPartitionerTests
{
    [Fact]
    public async Task Agrees_with_the_partitions_librdkafka_chooses()
    {
        var topic = StackEndpoints.UniqueName("partitioner");
        using var producer = new FeatureProducer();
        for (var i = 0; i < 200; i++)
        {
            var key = i % 3 == 0 ? $"acc-{i}" : Guid.NewGuid().ToString();
            var delivered = await producer.SendAsync(topic, key, [1]);
            Assert.Equal(delivered.Partition.Value, KafkaPartitioner.PartitionOf(key, 8));
        }
    }

    [Fact]
    public void Murmur2_of_nothing_is_the_seed_mix_kafka_documents()
    {
        Assert.Equal(0x106e08d9, KafkaPartitioner.Murmur2([]));
    }
}
