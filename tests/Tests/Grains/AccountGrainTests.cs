using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AccountMetadata.Grains;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Grains;

/// <summary>Last-writer-wins, item size limit and restart durability of account grains on DynamoDB Local.</summary>
public sealed class AccountGrainTests
{
    [Fact]
    public async Task Last_writer_wins_by_timestamp_and_replays_change_nothing()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("lww"));
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-lww");

        var first = await grain.ApplyAsync(new[] { new FeatureUpdate("orders", "total", "5", 200), new FeatureUpdate("orders", "total", "4", 100) });
        Assert.Equal(1, first.Applied);
        Assert.Equal(1, first.IgnoredAsOlder);
        Assert.Equal("5", await ValueAsync(grain, "orders", "total"));

        var equal = await grain.ApplyAsync(new[] { new FeatureUpdate("orders", "total", "6", 200) });
        Assert.Equal(1, equal.Applied); // equal timestamps: the later arrival wins
        Assert.Equal("6", await ValueAsync(grain, "orders", "total"));

        var changesBefore = silo.Storage.Metrics.NamespaceChanges.Value;
        var replay = await grain.ApplyAsync(new[] { new FeatureUpdate("orders", "total", "6", 200), new FeatureUpdate("orders", "total", "5", 200 - 1) });
        Assert.Equal(1, replay.IgnoredAsOlder);
        Assert.Equal(changesBefore, silo.Storage.Metrics.NamespaceChanges.Value); // nothing new to write
        Assert.Equal("6", await ValueAsync(grain, "orders", "total"));
    }

    [Fact]
    public async Task Invalid_names_and_oversized_items_are_rejected_with_reasons()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("reject"));
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-big");
        var big = new string('x', 60 * 1024);
        var updates = Enumerable.Range(0, 7).Select(i => new FeatureUpdate("orders", $"blob{i}", big, 1))
            .Append(new FeatureUpdate("Bad Namespace", "f", "v", 1))
            .Append(new FeatureUpdate("orders", "_reserved", "v", 1))
            .ToArray();

        var result = await grain.ApplyAsync(updates);

        Assert.Equal(6, result.Applied);
        Assert.Collection(result.Rejected.OrderBy(r => r.Index),
            r => Assert.Equal((6, RejectionReason.ItemSizeLimit), (r.Index, r.Reason)),
            r => Assert.Equal((7, RejectionReason.InvalidNamespace), (r.Index, r.Reason)),
            r => Assert.Equal((8, RejectionReason.InvalidFeatureName), (r.Index, r.Reason)));
        Assert.Contains("400", result.Rejected.Single(r => r.Reason == RejectionReason.ItemSizeLimit).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_silo_reads_back_exactly_what_was_acknowledged()
    {
        var table = StackEndpoints.UniqueName("restart");
        var expected = new Dictionary<string, Dictionary<string, Dictionary<string, string>>>(StringComparer.Ordinal);
        var random = new Random(42);
        await using (var silo = new SiloFactory(table))
        {
            for (var round = 0; round < 5; round++)
            {
                for (var a = 0; a < 40; a++)
                {
                    var account = $"acc-{a}";
                    var updates = Enumerable.Range(0, 4).Select(_ =>
                    {
                        var ns = new[] { "orders", "rewards", "preferences", "segments" }[random.Next(4)];
                        var feature = $"f{random.Next(5)}";
                        var value = random.Next(1000).ToString(CultureInfo.InvariantCulture);
                        return new FeatureUpdate(ns, feature, value, (round * 10) + random.Next(10));
                    }).ToArray();
                    await silo.Grains.GetGrain<IAccountGrain>(account).ApplyAsync(updates);
                }
            }

            // What the silo acknowledges is what it serves; remember it, then stop it gracefully.
            using var http = silo.CreateClient();
            for (var a = 0; a < 40; a++)
            {
                expected[$"acc-{a}"] = await ReadAllAsync(http, $"acc-{a}");
            }
        }

        await using var restarted = new SiloFactory(table);
        using var client = restarted.CreateClient();
        for (var a = 0; a < 40; a++)
        {
            Assert.Equal(expected[$"acc-{a}"], await ReadAllAsync(client, $"acc-{a}"));
        }
    }

    private static async Task<string?> ValueAsync(IAccountGrain grain, string ns, string feature) =>
        (await grain.GetNamespaceAsync(ns)) is { } features && features.TryGetValue(feature, out var value) ? value : null;

    private static async Task<Dictionary<string, Dictionary<string, string>>> ReadAllAsync(HttpClient http, string account)
    {
        using var json = await http.GetFromJsonAsync<JsonDocument>($"/accounts/{account}");
        return json!.RootElement.GetProperty("namespaces").EnumerateObject().ToDictionary(
            ns => ns.Name,
            ns => ns.Value.EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString()!, StringComparer.Ordinal),
            StringComparer.Ordinal);
    }
}
