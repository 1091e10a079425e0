using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Stack;

public sealed class KafkaBrokerTests
{
    [Fact]
    public async Task Round_trip_on_the_local_0_9_broker_commits_and_does_not_redeliver()
    {
        var topic = StackEndpoints.UniqueName("round-trip");
        await KafkaRoundTrip.RunAsync(StackEndpoints.Current.KafkaOptions(), topic, count: 200);
    }

    [Fact]
    public async Task Round_trip_on_the_mock_cluster_carries_a_record_header()
    {
        using var cluster = new MockKafkaCluster();
        cluster.CreateTopic("round-trip", partitions: 4);
        await KafkaRoundTrip.RunAsync(cluster.KafkaOptions, "round-trip", count: 50, KafkaRoundTrip.SingleHeader("trace-id", "abc-123"));
    }
}
