using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace AccountMetadata.Tests.Cluster;

/// <summary>
/// The Kafka stream provider across three silo processes (Redis membership, one table, one topic of 8 partitions,
/// one consumer group for the offsets): Orleans spreads the partitions, and every acknowledged feature ends durable,
/// newest wins, item by item. Silos dying, restarting, joining and leaving under ingest are the fault drills'
/// (<see cref="Faults.FaultToleranceTests"/>, on a stack of their own).
/// </summary>
public sealed class KafkaStreamClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Partitions_spread_over_three_silos_and_an_account_scattered_over_partitions_ends_with_its_newest_values()
    {
        using var cluster = await SiloCluster.StartAsync("spread", 3);
        await Eventually.Until(
            cluster.PartitionsAsync,
            pulled => pulled.TotalCount == SiloCluster.Partitions && pulled.Silos.All(s => s.Count >= 2),
            Patience,
            "8 partitions spread over 3 silos, at least 2 each");
        output.WriteLine($"partitions: {await cluster.PartitionsAsync()}");
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
}
