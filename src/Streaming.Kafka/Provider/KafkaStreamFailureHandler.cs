using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Orleans' default handling skips an event whose delivery kept failing past the agent's maximum delivery time. This
/// provider registers the agent with no such limit, so a failing delivery is retried until it succeeds; if a failure
/// still reaches this handler (the agent is stopping, or someone configured a limit), the cache has already put the
/// containers back to be delivered again and nothing past them is committed. This only says so, and never faults the
/// subscription.
/// </summary>
internal sealed partial class KafkaStreamFailureHandler(string providerName, ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamId, StreamSequenceToken? sequenceToken)
    {
        LogDeliveryFailed(logger, providerName, streamId, sequenceToken?.SequenceNumber ?? -1);
        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamId, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailed(logger, providerName, streamId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}: delivery to {StreamId} at offset {Offset} failed; it will be delivered again, and nothing after it is committed until it is")]
    private static partial void LogDeliveryFailed(ILogger logger, string provider, StreamId streamId, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider}: subscribing the consumer of {StreamId} failed; its events stay uncommitted")]
    private static partial void LogSubscriptionFailed(ILogger logger, string provider, StreamId streamId);
}
