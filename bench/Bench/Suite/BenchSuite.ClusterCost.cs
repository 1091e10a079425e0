namespace AccountMetadata.Bench.Suite;

internal sealed partial class BenchSuite
{
    private static readonly (string Key, bool PlaceByPartition)[] Placements =
        [("two_silos", false), ("two_silos_placed_by_partition", true)];

    /// <summary>
    /// Only the cost of a cluster, for deciding where account grains go: one silo's cold ingest (account-major) and hot
    /// reads, then the same on two silos with Orleans' default placement and on two silos with each account placed on
    /// the silo pulling its partition (<c>Grains:PlaceByPartition</c>), each against the one-silo figures of this run.
    /// A first ingest warms the stack (DynamoDB Local's JIT) and is not counted; the two placements then run in the
    /// order A B B A, so a machine that drifts during the run favours neither, and their means are compared.
    /// Prints the figures; writes nothing.
    /// </summary>
    public async Task<BenchResults> RunClusterCostAsync()
    {
        var (data, topic) = ProduceDataset("cluster-" + Suffix(MessageOrder.AccountMajor));
        foreach (var counted in new[] { false, true })
        {
            var (silo, _, _) = await IngestAsync(MessageOrder.AccountMajor, topic, data.Count, counted ? "" : "-warm-up");
            try
            {
                await ReadsAsync(silo, settings.Accounts, "hot");
            }
            finally
            {
                await silo.StopAsync(TimeSpan.FromMinutes(2));
                silo.Dispose();
            }
        }

        var rounds = new List<(string Key, int Round)>();
        foreach (var (round, placement) in new[] { (1, 0), (1, 1), (2, 1), (2, 0) })
        {
            var (key, placeByPartition) = Placements[placement];
            await TwoSilosAsync(data, $"{key}_{round}", placeByPartition);
            rounds.Add((key, round));
        }

        foreach (var (key, _) in Placements)
        {
            double Mean(string figure) => rounds.Where(r => r.Key == key).Average(r => _results.Get($"{key}_{r.Round}_{figure}"));
            Log($"{key} / one silo, mean of 2: applied {Mean("applied_vs_one"):F2}, durable {Mean("durable_vs_one"):F2}, hot reads {Mean("hot_reads_vs_one"):F2}; " +
                $"{Mean("remote_messages_per_delivery"):F2} messages between silos per delivery, {Mean("silo_cpu_us_per_feature"):F1} µs of silo CPU per feature");
        }

        return _results;
    }
}
