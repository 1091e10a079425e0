using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Streaming.Kafka;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>How often the pipeline tries again: the pulling agent's delivery retries, the freshness sampler's reads.</summary>
public sealed class RetryPacingTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(0, 200)]
    [InlineData(1, 400)]
    [InlineData(3, 1_600)]
    [InlineData(5, 5_000)]
    [InlineData(62, 5_000)]
    [InlineData(int.MaxValue, 5_000)]
    public void A_delivery_retry_waits_at_least_the_minimum_and_at_most_a_doubling_bound(int attempt, int boundMs)
    {
        var backoff = new KafkaDeliveryBackoff(Min, Max);
        var waits = Enumerable.Range(0, 1_000).Select(_ => backoff.Next(attempt)).ToList();
        Assert.All(waits, wait => Assert.InRange(wait, Min, TimeSpan.FromMilliseconds(boundMs)));
        // Jittered: the waits spread over the range rather than all landing on one value.
        Assert.True(waits.Distinct().Count() > 100, $"{waits.Distinct().Count()} distinct waits of 1,000");
    }

    [Fact]
    public void Equal_bounds_always_wait_exactly_that_long()
    {
        var backoff = new KafkaDeliveryBackoff(Max, Max);
        Assert.All(Enumerable.Range(0, 10), attempt => Assert.Equal(Max, backoff.Next(attempt)));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(50, 5)]
    [InlineData(1_000, 50)]
    [InlineData(10_000, 500)]
    [InlineData(60_000, 1_000)]
    public void A_freshness_sample_is_read_again_after_a_twentieth_of_its_wait_between_5_ms_and_a_second(int waitedMs, int nextMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(nextMs), FreshnessSampler.NextPoll(TimeSpan.FromMilliseconds(waitedMs)));
    }

    [Fact]
    public void A_sample_that_waits_the_whole_minute_costs_a_few_dozen_reads()
    {
        var waited = TimeSpan.Zero;
        var reads = 0;
        while (waited < FreshnessSampler.GiveUpAfter)
        {
            reads++;
            waited += FreshnessSampler.NextPoll(waited);
        }

        Assert.InRange(reads, 20, 200); // every 5 ms throughout: 12,000
    }
}
