using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace AccountMetadata.Tests.Cluster;

/// <summary>
/// The Kafka stream provider across three silo processes (Redis membership, one table, one topic of 8 partitions,
/// one consumer group for the offsets): Orleans spreads the partitions, moves them when silos die, join or leave,
/// and every acknowledged feature ends durable, newest wins, item by item.
/// </summary>
public sealed class KafkaStreamClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    // What three silos, Kafka, DynamoDB Local and the producer sustain together on two cores with room to spare; the
    // drills of the reliability issue run at 5,000/s on their own stack.
    private const int Accounts = 600;
    private const int PerSecond = 3_000;

    [Fact]
    public async Task Partitions_spread_over_three_silos_and_an_account_scattered_over_partitions_ends_with_its_newest_values()
    {
        using var cluster = await SiloCluster.StartAsync("spread", 3);
        await Eventually.Until(
            cluster.PartitionsAsync,
            pulled => pulled.Sum(p => p.Count) == SiloCluster.Partitions && pulled.All(p => p.Count >= 2),
            Patience,
            "8 partitions spread over 3 silos, at least 2 each");
        output.WriteLine("partitions: " + string.Join(" | ", (await cluster.PartitionsAsync()).Select(p => string.Join(",", p.Order()))));
        await AssertThePipelineViewShowsEverySiloAndOwnerAsync(cluster);

        // A feature store whose client does not partition by key (kcat's default): each version of each feature on a
        // random partition, in shuffled order, so several silos deliver one account's versions concurrently.
        var expected = new ExpectedState();
        var random = new Random(14);
        var messages = new List<(int Partition, string Account, byte[] Value)>();
        foreach (var account in Enumerable.Range(0, 300).Select(i => $"scatter-{i}"))
        {
            foreach (var (ns, feature) in new[] { ("orders", "total_orders"), ("orders", "orders_last_30d"), ("rewards", "points"), ("segments", "ltv_bucket") })
            {
                for (var version = 1; version <= 6; version++)
                {
                    var value = version.ToString(CultureInfo.InvariantCulture); // every namespace schema takes it
                    expected.Observe(account, ns, feature, value, version);
                    messages.Add((random.Next(SiloCluster.Partitions), account, FeatureProducer.Feature(account, ns, feature, value, version)));
                }
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages));
        using (var producer = new FeatureProducer())
        {
            await Task.WhenAll(messages.Select(m => producer.SendToPartitionAsync(cluster.Names.Topic, m.Partition, m.Account, m.Value)));
        }

        await cluster.WaitUntilCommittedToTheEndAsync();
        Assert.Equal(0, await cluster.SumAsync("ingest_dead_lettered_total"));
        await cluster.AssertStoredAsync(expected);

        // Reads through every silo agree (one activation per account answers all of them), and match the newest.
        foreach (var account in expected.Accounts.Take(50))
        {
            var answers = new List<string>();
            foreach (var silo in cluster.Silos)
            {
                using var http = new HttpClient { BaseAddress = silo.BaseAddress };
                using var json = await http.GetFromJsonAsync<JsonDocument>($"/accounts/{account}");
                answers.Add(json!.RootElement.GetProperty("namespaces").GetRawText());
                Assert.Equal("6", json.RootElement.GetProperty("namespaces").GetProperty("orders").GetProperty("total_orders").GetString());
            }

            Assert.Single(answers.Distinct(StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// Any silo's pipeline view gathers every silo (its grain-service fan-out): three silos, and each partition once,
    /// under the silo that pulls it.
    /// </summary>
    private static async Task AssertThePipelineViewShowsEverySiloAndOwnerAsync(SiloCluster cluster)
    {
        using var http = new HttpClient { BaseAddress = cluster.Silos[^1].BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", "local-admin-key");
        using var view = await Eventually.Until(
            async () => (await http.GetFromJsonAsync<JsonDocument>("/pipeline/api/cluster"))!,
            v => v.RootElement.GetProperty("silos").EnumerateArray().Sum(s => s.TryGetProperty("ingestion", out var i) ? i.GetProperty("partitions").GetArrayLength() : 0)
                 == SiloCluster.Partitions,
            Patience,
            "every partition in the cluster view");
        var silos = view.RootElement.GetProperty("silos").EnumerateArray().ToList();
        Assert.Equal(3, silos.Count);
        Assert.All(silos, s => Assert.False(s.TryGetProperty("error", out _)));
        var owners = silos.SelectMany(s => s.GetProperty("ingestion").GetProperty("partitions").EnumerateArray()
            .Select(p => (Partition: p.GetProperty("partition").GetInt32(), Owner: s.GetProperty("siloAddress").GetString()))).ToList();
        Assert.Equal(Enumerable.Range(0, SiloCluster.Partitions), owners.Select(o => o.Partition).Order());
        Assert.Equal(3, owners.Select(o => o.Owner).Distinct().Count());
    }

    [Fact]
    public async Task A_silo_killed_three_times_mid_ingest_loses_nothing_and_its_partitions_are_pulled_again()
    {
        using var cluster = await SiloCluster.StartAsync("kill3", 3);
        using var ingest = SteadyIngest.Start(cluster.Names.Topic, Accounts, PerSecond);
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var round = 1; round <= 3; round++)
        {
            await ingest.WaitForMoreAsync(random.Next(5_000, 20_000), Patience);
            var victim = random.Next(cluster.Silos.Count);
            cluster.Kill(victim);
            var pulledAgainAfter = await cluster.WaitUntilEveryPartitionIsPulledAsync(Patience);
            output.WriteLine($"round {round}: SIGKILL of silo {victim}; its partitions pulled again {pulledAgainAfter.TotalSeconds:0.0} s later");
            await cluster.RestartAsync(victim);
        }

        await EndIngestAndAssertStoredAsync(cluster, ingest);
    }

    [Fact]
    public async Task A_silo_joining_and_another_leaving_gracefully_mid_ingest_lose_nothing()
    {
        using var cluster = await SiloCluster.StartAsync("joinleave", 2);
        using var ingest = SteadyIngest.Start(cluster.Names.Topic, Accounts, PerSecond);
        await ingest.WaitForMoreAsync(10_000, Patience);

        await cluster.AddAsync();
        await Eventually.Until(
            cluster.PartitionsAsync,
            pulled => pulled.Count == 3 && pulled.All(p => p.Count >= 2) && pulled.SelectMany(p => p).Distinct().Count() == SiloCluster.Partitions,
            Patience,
            "the new silo given its share");
        await ingest.WaitForMoreAsync(10_000, Patience);

        await cluster.StopAsync(0, TimeSpan.FromSeconds(30)); // drains first: bounded by Ingestion:DrainTimeout
        var handedOverAfter = await cluster.WaitUntilEveryPartitionIsPulledAsync(Patience);
        output.WriteLine($"silo 0 left gracefully; its partitions pulled by the others {handedOverAfter.TotalSeconds:0.0} s after it exited");
        await EndIngestAndAssertStoredAsync(cluster, ingest);
    }

    /// <summary>
    /// Lets the ingest run on a little, stops it, waits until every offset is committed, and checks DynamoDB item by
    /// item against what the broker acknowledged: 0 lost, 0 regressed. Replays (harmless) are printed.
    /// </summary>
    private async Task EndIngestAndAssertStoredAsync(SiloCluster cluster, SteadyIngest ingest)
    {
        await ingest.WaitForMoreAsync(10_000, Patience);
        await ingest.StopAsync();
        Assert.Equal(0, ingest.Failed);
        await cluster.WaitUntilCommittedToTheEndAsync();
        var replayed = await cluster.SumAsync("ingest_replayed_total") + await cluster.SumAsync("ingest_ignored_older_total");
        output.WriteLine($"{ingest.Acknowledged} acknowledged at {ingest.AchievedRate:0}/s; replays counted by the running silos' current lives: {replayed.ToString(CultureInfo.InvariantCulture)}");
        await cluster.AssertStoredAsync(ingest.Expected);
    }
}
