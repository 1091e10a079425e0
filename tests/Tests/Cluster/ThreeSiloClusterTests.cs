using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace AccountMetadata.Tests.Cluster;

/// <summary>
/// Three silo processes form one Orleans cluster through the stack's Redis (and split the topic's partitions). An account
/// has one activation in the cluster, which every silo's API reaches; when the silo holding it is SIGKILLed, the
/// membership options (Cluster section) let the survivors declare it dead within seconds, and the account is served
/// again through another silo, loaded from DynamoDB.
/// </summary>
public sealed class ThreeSiloClusterTests(ITestOutputHelper output)
{
    private const string AdminKey = "local-admin-key";

    /// <summary>
    /// ClusterSettings' defaults promise a dead silo is noticed in about 3-5 s (1 s probes, 2 missed, 2 s table
    /// refresh). The bound leaves room for a loaded machine; the measured figure is printed.
    /// </summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task One_activation_answers_through_every_silo_and_moves_when_its_silo_is_killed()
    {
        var names = SiloNames.Unique("trio");
        KafkaTopics.Create(names.Topic);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Cluster__Clustering"] = "Redis",
            ["Cluster__RedisConnectionString"] = StackEndpoints.Current.Redis,
            ["Cluster__ClusterId"] = names.Table,
        };
        var silos = new List<SiloProcess>();
        try
        {
            foreach (var _ in Enumerable.Range(0, 3))
            {
                silos.Add(await SiloProcess.StartAsync(names, "Warning", environment));
            }

            const string Account = "trio-1";
            using (var producer = new FeatureProducer())
            {
                await producer.SendFeatureAsync(names.Topic, Account, "orders", "total_orders", "7", 100);
                await producer.SendFeatureAsync(names.Topic, Account, "segments", "segment", "gold", 100);
            }

            using var a = Client(silos[0]);
            await Eventually.Until(async () => (await a.GetAsync($"/accounts/{Account}")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "applied");

            // Committed means durable: what the next activation loads after the kill below is in DynamoDB.
            await Eventually.Until(
                () => Task.FromResult(TopicReader.CommittedVersusEnd(names.Topic, names.Group, 8)),
                o => o.Committed == o.End && o.End == 2,
                TimeSpan.FromSeconds(60),
                "both features committed");

            // Every silo answers with the same data, from the one activation the cluster has.
            var where = new List<string>();
            foreach (var silo in silos)
            {
                using var http = Client(silo);
                Assert.Equal("7", await FeatureAsync(http, Account, "orders", "total_orders"));
                where.Add(await ActivationSiloAsync(http, Account));
            }

            Assert.Single(where.Distinct(StringComparer.Ordinal));
            var holder = silos.Single(s => where[0].Contains($":{s.SiloPort}", StringComparison.Ordinal));
            output.WriteLine($"{Account} is active on {where[0]}");

            holder.Kill();
            var survivor = silos.First(s => s != holder);
            using var next = Client(survivor, TimeSpan.FromSeconds(2));
            var clock = Stopwatch.StartNew();
            await Eventually.Until(async () => await TryFeatureAsync(next, Account) == "7", FailoverBound, "served again after the kill");
            output.WriteLine($"served again through another silo {clock.Elapsed.TotalSeconds:0.0} s after SIGKILL of the silo holding it");
            var moved = await ActivationSiloAsync(next, Account);
            Assert.NotEqual(where[0], moved);
            Assert.Equal("gold", await FeatureAsync(next, Account, "segments", "segment")); // loaded from DynamoDB
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Dispose();
            }
        }
    }

    private static HttpClient Client(SiloProcess silo, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return http;
    }

    private static async Task<string?> FeatureAsync(HttpClient http, string account, string ns, string feature)
    {
        using var json = await http.GetFromJsonAsync<JsonDocument>($"/accounts/{account}/namespaces/{ns}");
        return json!.RootElement.GetProperty("features").GetProperty(feature).GetString();
    }

    /// <summary>The value, or null while the account cannot be served (its silo not yet declared dead).</summary>
    private static async Task<string?> TryFeatureAsync(HttpClient http, string account)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"/accounts/{account}/namespaces/orders", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            return json.RootElement.GetProperty("features").GetProperty("total_orders").GetString();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Where the account's activation lives, as the pipeline view's inspection reports it (Orleans' directory).</summary>
    private static async Task<string> ActivationSiloAsync(HttpClient http, string account)
    {
        using var json = await http.GetFromJsonAsync<JsonDocument>($"/pipeline/api/accounts/{account}");
        Assert.True(json!.RootElement.GetProperty("active").GetBoolean());
        return json.RootElement.GetProperty("silo").GetString()!;
    }
}
