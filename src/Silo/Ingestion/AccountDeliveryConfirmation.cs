using AccountMetadata.Grains;
using AccountMetadata.Streaming.Kafka;
using Orleans.Runtime;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// Tells the stream provider when deliveries to an account grain are durable: the activation that applied them
/// answers once its write-behind storage has written them. A delivery that activation did not apply (the one that
/// did died with its silo before its flush) may be lost: it is applied again, in one call that returns only once
/// durable in the activation that took it.
/// </summary>
public sealed class AccountDeliveryConfirmation(IGrainFactory grains) : IKafkaDeliveryConfirmation
{
    private readonly AccountGrainReferences _accounts = new(grains);

    public async Task ConfirmAsync(StreamId streamId, IReadOnlyList<KafkaBatchContainer> delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        var starts = new RecordOrigin[delivered.Count];
        for (var i = 0; i < starts.Length; i++)
        {
            starts[i] = ((AccountStreamEvent)delivered[i].Events[0]).Origin;
        }

        var grain = _accounts.Get(streamId.Key);
        var lost = (await grain.ConfirmDeliveriesAsync(new(starts)).WaitAsync(cancellationToken).ConfigureAwait(true)).Value;
        if (lost.Length == 0)
        {
            return;
        }

        var events = new List<AccountStreamEvent>();
        for (var i = 0; i < starts.Length; i++)
        {
            if (Array.IndexOf(lost, starts[i]) >= 0)
            {
                foreach (var item in delivered[i].Events)
                {
                    events.Add((AccountStreamEvent)item);
                }
            }
        }

        await grain.RedeliverAsync(new Immutable<AccountStreamEvent[]>([.. events])).WaitAsync(cancellationToken).ConfigureAwait(true);
    }
}
