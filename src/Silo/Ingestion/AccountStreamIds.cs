using AccountMetadata.Grains;
using Orleans.Runtime;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>An account's stream: keyed by the account id's UTF-8 bytes, so it maps to the partition Kafka's partitioner gives that key.</summary>
public static class AccountStreamIds
{
    public static StreamId For(string accountId) => StreamId.Create(AccountStreams.Namespace, accountId);
}
