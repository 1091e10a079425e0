using System.Globalization;
using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Silo.Schemas;
using AccountMetadata.Tests.Infrastructure;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Concurrency;

namespace AccountMetadata.Tests.Storage;

/// <summary>
/// Cold account loads against DynamoDB Local: accounts activating together load many per BatchGetItem over the
/// registered namespaces, and a namespace registered after an account loaded is read before the account answers
/// for it.
/// </summary>
public sealed class AccountLoadTests
{
    [Fact]
    public async Task Accounts_activating_together_load_many_per_request()
    {
        const int Accounts = 60;
        var table = StackEndpoints.UniqueName("loads");
        using var client = SiloFactory.CreateDynamoDbClient();
        await FaultInjectingDynamoDbClient.CreateTableAsync(client, table);
        for (var i = 0; i < Accounts; i++)
        {
            await client.PutItemAsync(table, Item($"acc-{i}", "orders", "total_orders", i.ToString(CultureInfo.InvariantCulture)));
            await client.PutItemAsync(table, Item($"acc-{i}", "segments", "segment", $"s{i}"));
        }

        using var gated = new GatedLoadsDynamoDbClient();
        await using var silo = new SiloFactory(table, new Dictionary<string, string?> { ["DynamoDb:MaxConcurrentBatchLoads"] = "1" }, _ => gated);
        var catalog = silo.Services.GetRequiredService<IAccountNamespaceCatalog>().Namespaces;
        Assert.Contains("orders", catalog);

        // One load goes and is held; every other account's load waits behind it.
        var reads = Enumerable.Range(0, Accounts)
            .Select(i => silo.Grains.GetGrain<IAccountGrain>($"acc-{i}").GetAllAsync().AsTask()).ToList();
        // Both events: the held load may take its slot a moment before its call reaches the client (a loaded box).
        await Eventually.Until(
            () => Task.FromResult((Waiting: silo.Storage.LoadsWaiting, Calls: gated.BatchGetCalls)),
            o => o.Waiting == Accounts - 1 && o.Calls == 1,
            TimeSpan.FromSeconds(60),
            "one load held, the others queued");
        gated.Open();
        var loaded = await Task.WhenAll(reads);

        for (var i = 0; i < Accounts; i++)
        {
            var namespaces = loaded[i].Value.ToDictionary(ns => ns.Namespace);
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), namespaces["orders"].ValueAt(0));
            Assert.Equal($"s{i}", namespaces["segments"].ValueAt(0));
        }

        var perRequest = Math.Max(1, 100 / catalog.Count);
        Assert.Equal(Accounts, silo.Storage.Metrics.StateLoads.Value);
        Assert.Equal(1 + ((Accounts - 1 + perRequest - 1) / perRequest), silo.Storage.Metrics.LoadRequests.Value);
    }

    [Fact]
    public async Task A_namespace_registered_after_an_account_loaded_is_read_before_the_account_answers_for_it()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("late-ns"));
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-late");
        await grain.ApplyAsync(new Immutable<FeatureUpdate[]>([new FeatureUpdate("orders", "total_orders", "1", 1)]));
        Assert.Null(await grain.GetNamespaceAsync("loyalty"));

        // Another silo knew the namespace first and stored the account's item; this one learns of it afterwards.
        using var client = SiloFactory.CreateDynamoDbClient();
        await client.PutItemAsync(silo.TableName, Item("acc-late", "loyalty", "tier", "gold"));
        var registry = silo.Services.GetRequiredService<NamespaceSchemaRegistry>();
        await registry.PutAsync("loyalty", """{"type":"object","properties":{"tier":{"type":"string"}}}""", CancellationToken.None);

        Assert.Equal("gold", (await grain.GetNamespaceAsync("loyalty"))?.ValueAt(0));
        Assert.Equal(["loyalty", "orders"], (await grain.GetAllAsync()).Value.Select(ns => ns.Namespace).Order());
        Assert.Equal(1, silo.Storage.Metrics.StateLoads.Value); // the same activation: only the new namespace was read

        // An erase reaches it too.
        Assert.True((await grain.DeleteAsync()).Erased);
        await silo.Storage.FlushAsync(CancellationToken.None);
        Assert.Empty(await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-late"));
    }

    private static Dictionary<string, AttributeValue> Item(string account, string @namespace, string feature, string value)
    {
        var builder = NamespaceFeatures.Empty(@namespace).ToBuilder();
        builder.Add(feature, value, 1);
        return AccountItemCodec.ToItem(account, builder.Build(1));
    }
}
