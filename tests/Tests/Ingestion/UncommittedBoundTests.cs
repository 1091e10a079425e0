using AccountMetadata.Streaming.Kafka;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>The silo's bound on records read and not yet committed holds when its partitions read at once.</summary>
public sealed class UncommittedBoundTests
{
    [Fact]
    public async Task Reads_reserving_at_once_never_take_more_than_the_room_left()
    {
        var statistics = new KafkaStreamStatistics();
        statistics.AddUncommitted(29_000);
        using var start = new Barrier(8);
        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return statistics.ReserveUncommitted(10_000, 30_000);
        })));

        Assert.Equal(1_000, taken.Sum());
        Assert.Equal(30_000, statistics.UncommittedRecords);
        Assert.Equal(0, statistics.ReserveUncommitted(10_000, 30_000));
    }
}
