using Orleans.Runtime;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Optional (a keyed service under the provider's name), for consumers that take a delivery before its effects are
/// safe, such as a grain that writes behind: the delivery returns as soon as the consumer applied it, so the next
/// one follows at once, and the provider asks here, off the delivery path, whether it is safe now. A container is
/// released (and its offsets may be committed) only once this completed; an exception retries it with backoff.
/// Without it, a container is released as soon as its delivery returned.
/// </summary>
public interface IKafkaDeliveryConfirmation
{
    /// <summary>
    /// Completes once what the <paramref name="delivered"/> containers of <paramref name="streamId"/> carried (in
    /// delivery order) is safe, delivering again what the consumer lost (for instance when the activation that
    /// applied it is gone). One confirmation per stream runs at a time, covering every delivery that returned
    /// meanwhile, so a busy stream costs one confirmation per storage write, not one per delivery. Runs on the
    /// pulling agent's scheduler.
    /// </summary>
    Task ConfirmAsync(StreamId streamId, IReadOnlyList<KafkaBatchContainer> delivered, CancellationToken cancellationToken);
}
