using Orleans.Runtime.Providers;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// How long the pulling agent waits before it retries a failed delivery or a stream's handshake with its consumer:
/// at least <see cref="KafkaStreamOptions.DeliveryRetryMinDelay"/>, at most twice that for the first retry, doubling
/// with each further one up to <see cref="KafkaStreamOptions.DeliveryRetryMaxDelay"/>; each wait is drawn at random
/// in that range (jitter, so the streams of a store that came back do not all retry at once).
/// <para>
/// Orleans' default waits 1 to 30 s, which a partition pays whole: a new stream's handshake activates its consumer
/// grain, and until every new stream's handshake has succeeded the agent neither reads its partition nor releases
/// what was delivered (Orleans 10.4), so nothing behind it is committed. A consumer that refused a handshake or two
/// (an activation bounced while deactivating, a storage load that timed out) stalled a partition for up to half a
/// minute per retry.
/// </para>
/// </summary>
internal sealed class KafkaDeliveryBackoff(TimeSpan minDelay, TimeSpan maxDelay) : IMessageDeliveryBackoffProvider
{
    public TimeSpan Next(int attempt)
    {
        // The first retry waits up to twice the minimum. Past 20 doublings every bound is the maximum (and the shift
        // has not overflowed yet).
        var bound = attempt >= 20 ? maxDelay : TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, minDelay.Ticks << (Math.Max(attempt, 0) + 1)));
        return minDelay + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * (bound - minDelay).Ticks));
    }
}
