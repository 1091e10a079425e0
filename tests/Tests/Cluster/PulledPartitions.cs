namespace AccountMetadata.Tests.Cluster;

/// <summary>
/// The partitions each running silo reported pulling, in <see cref="SiloCluster.Silos"/> order; a silo whose /metrics
/// did not answer has none. Printed per silo, so a wait that times out shows who pulled what and who was silent.
/// </summary>
internal sealed record PulledPartitions(IReadOnlyList<PulledPartitions.Silo> Silos)
{
    /// <param name="Partitions">Null while the silo's /metrics does not answer.</param>
    public sealed record Silo(Uri Address, IReadOnlySet<int>? Partitions)
    {
        public int Count => Partitions?.Count ?? 0;

        public override string ToString() => Partitions is null
            ? $"{Address} not answering"
            : $"{Address} [{string.Join(",", Partitions.Order())}]";
    }

    /// <summary>Partitions pulled by some silo, each counted once.</summary>
    public int DistinctCount => Silos.SelectMany(s => s.Partitions ?? Enumerable.Empty<int>()).Distinct().Count();

    /// <summary>Partitions pulled, summed over the silos (one pulled by two silos counts twice).</summary>
    public int TotalCount => Silos.Sum(s => s.Count);

    public override string ToString() => string.Join(" | ", Silos);
}
