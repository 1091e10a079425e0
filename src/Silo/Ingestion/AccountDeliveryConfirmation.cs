using System.Text;
using AccountMetadata.Grains;
using AccountMetadata.Streaming.Kafka;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// Tells the stream provider when a delivery to an account grain is durable: the grain that applied it answers
/// once its write-behind storage has written it. Another activation answering (the one that applied it died with
/// its silo before the flush) means it may be lost: it is applied again, in one call that returns only once durable
/// in the activation that took it.
/// </summary>
public sealed class AccountDeliveryConfirmation(IGrainFactory grains) : IKafkaDeliveryConfirmation
{
    public async Task ConfirmAsync(KafkaBatchContainer delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        var events = new AccountStreamEvent[delivered.Events.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = (AccountStreamEvent)delivered.Events[i];
        }

        if (events.Length == 0)
        {
            return;
        }

        var grain = grains.GetGrain<IAccountGrain>(Encoding.UTF8.GetString(delivered.StreamId.Key.Span));
        if (!await grain.ConfirmDeliveryAsync(events[0].Origin).WaitAsync(cancellationToken).ConfigureAwait(true))
        {
            await grain.RedeliverAsync(new Immutable<AccountStreamEvent[]>(events)).WaitAsync(cancellationToken).ConfigureAwait(true);
        }
    }
}
