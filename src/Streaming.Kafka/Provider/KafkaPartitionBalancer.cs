using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Spreads the partitions evenly over the active silos of the cluster, from Orleans' membership: the silos in address
/// order, partition i to silo i mod n. Every silo computes the same split from the same membership view, so no lease
/// store is needed. Orleans' consistent-ring balancer hands out ring ranges instead, which with a few partitions and a
/// few silos often leaves a silo with none (8 partitions over 3 silos: about one cluster in nine).
/// A membership change moves partitions; the old owner commits what was delivered, the new one reads from there.
/// Every silo of the cluster must pull (a silo that only produces still counts as active and its share would wait).
/// </summary>
internal sealed partial class KafkaPartitionBalancer(IServiceProvider services, ILogger<KafkaPartitionBalancer> logger)
    : QueueBalancerBase(services, logger)
{
    private QueueId[] _queues = [];
    private volatile QueueId[] _mine = [];

    public static IStreamQueueBalancer Create(IServiceProvider services, string name) =>
        new KafkaPartitionBalancer(services, services.GetRequiredService<ILogger<KafkaPartitionBalancer>>());

    public override Task Initialize(IStreamQueueMapper queueMapper)
    {
        ArgumentNullException.ThrowIfNull(queueMapper);
        _queues = [.. queueMapper.GetAllQueues().OrderBy(queue => queue.GetNumericId())];
        return base.Initialize(queueMapper);
    }

    public override IEnumerable<QueueId> GetMyQueues() => _mine;

    /// <summary>Which of <paramref name="siloCount"/> silos, in address order, pulls <paramref name="partition"/>.</summary>
    internal static int SiloIndexOf(int partition, int siloCount) => partition % siloCount;

    protected override void OnClusterMembershipChange(HashSet<SiloAddress> activeSilos)
    {
        var silos = activeSilos.Order().ToList();
        var index = silos.IndexOf(SiloAddress);
        QueueId[] mine = index < 0 ? [] : [.. _queues.Where((_, partition) => SiloIndexOf(partition, silos.Count) == index)];
        if (mine.SequenceEqual(_mine))
        {
            return;
        }

        _mine = mine;
        int[] partitions = [.. mine.Select(queue => (int)queue.GetNumericId())];
        LogBalanced(Logger, silos.Count, partitions);
        NotifyListeners().Ignore();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka partitions rebalanced over {Silos} active silos; this silo pulls {Partitions}")]
    private static partial void LogBalanced(ILogger logger, int silos, int[] partitions);
}
