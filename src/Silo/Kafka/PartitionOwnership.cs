using AccountMetadata.Grains;

namespace AccountMetadata.Silo.Kafka;

/// <summary>
/// Account ownership as Kafka's group protocol decided it: an account is owned here when its partition
/// (murmur2 of its id) is assigned to this silo's consumer. Updated by ingestion on every rebalance.
/// </summary>
public sealed class PartitionOwnership : IAccountOwnership
{
    private volatile bool[] _assigned = [];

    /// <summary>Partitions of the ingest topic; 0 until the first assignment.</summary>
    public int PartitionCount => _assigned.Length;

    public bool IsOwnedHere(string accountId)
    {
        var assigned = _assigned;
        return assigned.Length > 0 && assigned[KafkaPartitioner.PartitionOf(accountId, assigned.Length)];
    }

    public void Assign(IEnumerable<int> partitions, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var next = new bool[partitionCount];
        if (_assigned.Length == partitionCount)
        {
            _assigned.CopyTo(next, 0);
        }

        foreach (var partition in partitions)
        {
            next[partition] = true;
        }

        _assigned = next;
    }

    public void Revoke(IEnumerable<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var next = (bool[])_assigned.Clone();
        foreach (var partition in partitions)
        {
            if (partition < next.Length)
            {
                next[partition] = false;
            }
        }

        _assigned = next;
    }
}
