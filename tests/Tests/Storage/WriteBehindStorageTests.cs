using AccountMetadata.Grains;
using AccountMetadata.Runtime;
using AccountMetadata.Tests.Infrastructure;
using Amazon.DynamoDBv2;

namespace AccountMetadata.Tests.Storage;

/// <summary>Write-behind against DynamoDB Local: coalescing, retries, failures, durability, deactivation.</summary>
public sealed class WriteBehindStorageTests
{
    private static readonly Dictionary<string, string?> ManualFlushOnly = new()
    {
        ["Storage:WriteBehind:FlushInterval"] = "01:00:00",
        ["Storage:WriteBehind:InitialBackoff"] = "00:00:00.005",
        ["Storage:WriteBehind:MaxAttempts"] = "3",
    };

    [Fact]
    public async Task Many_updates_to_one_namespace_between_flushes_cost_one_item_write()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("coalesce"), ManualFlushOnly);
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-1");
        for (var i = 1; i <= 50; i++)
        {
            var result = await grain.ApplyAsync(new[] { new FeatureUpdate("orders", "total_orders", i.ToString(System.Globalization.CultureInfo.InvariantCulture), i) });
            Assert.Equal(1, result.Applied);
        }

        Assert.Equal(50, silo.Storage.Metrics.NamespaceChanges.Value);
        Assert.Equal(0, silo.Storage.Metrics.ItemWrites.Value);
        Assert.True(silo.Storage.DurableWatermark < silo.Storage.LastSequence);

        await silo.Storage.FlushAsync(CancellationToken.None);

        Assert.Equal(1, silo.Storage.Metrics.ItemWrites.Value);
        Assert.Equal(1, silo.Storage.Metrics.BatchCalls.Value);
        Assert.Equal(silo.Storage.LastSequence, silo.Storage.DurableWatermark);
        using var client = SiloFactory.CreateDynamoDbClient();
        var stored = await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-1");
        Assert.True(stored["orders"].TryGetValue("total_orders", out var value));
        Assert.Equal("50", value);
        Assert.Equal(50, stored["orders"].TimestampAt(0));
    }

    [Fact]
    public async Task Unprocessed_items_are_retried_until_written()
    {
        var table = FaultInjectingDynamoDbClient.NewTable();
        var client = new FaultInjectingDynamoDbClient(faultyCalls: 2, throttle: false);
        await using var silo = new SiloFactory(table, ManualFlushOnly, _ => client);
        await ApplyToAccountsAsync(silo, 10);

        await silo.Storage.FlushAsync(CancellationToken.None);

        Assert.Equal(2, client.FaultsInjected);
        Assert.True(silo.Storage.Metrics.UnprocessedRetries.Value >= 5);
        Assert.Equal(10, silo.Storage.Metrics.ItemWrites.Value);
        Assert.Equal(0, silo.Storage.DirtyNamespaces);
        Assert.Equal(10, await DynamoDbReader.CountItemsAsync(client, table));
    }

    [Fact]
    public async Task A_write_that_keeps_failing_stays_dirty_and_is_written_once_storage_recovers()
    {
        var table = FaultInjectingDynamoDbClient.NewTable();
        var client = new FaultInjectingDynamoDbClient(faultyCalls: int.MaxValue, throttle: true);
        await using var silo = new SiloFactory(table, ManualFlushOnly, _ => client);
        await ApplyToAccountsAsync(silo, 3);

        await silo.Storage.FlushAsync(CancellationToken.None);

        Assert.Equal(1, silo.Storage.Metrics.FailedBatches.Value);
        Assert.Equal(3, silo.Storage.Metrics.Throttles.Value); // MaxAttempts = 3
        Assert.Equal(3, silo.Storage.DirtyNamespaces);
        Assert.Equal(0, silo.Storage.DurableWatermark);
        Assert.True(silo.Grains.GetGrain<IAccountGrain>("acc-0") is var g && !(await g.InspectAsync()).Namespaces[0].IsDurable);
        Assert.Equal(0, await DynamoDbReader.CountItemsAsync(client, table));

        client.Healthy = true;
        await silo.Storage.FlushAsync(CancellationToken.None);

        Assert.Equal(0, silo.Storage.DirtyNamespaces);
        Assert.Equal(silo.Storage.LastSequence, silo.Storage.DurableWatermark);
        Assert.Equal(3, await DynamoDbReader.CountItemsAsync(client, table));
    }

    [Fact]
    public async Task Deactivation_waits_until_the_grain_state_is_durable()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("deactivate"), ManualFlushOnly);
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-d");
        await grain.ApplyAsync(new[] { new FeatureUpdate("segments", "segment", "gold", 1) });
        Assert.True(silo.Runtime.CatalogOf<IAccountGrain>().IsActive("acc-d"));

        // Nothing flushes on a timer here: only the deactivation's wait for durability can trigger the write.
        await silo.Runtime.CatalogOf<IAccountGrain>().DeactivateAsync("acc-d", DeactivationReason.IdleTimeout)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(silo.Runtime.CatalogOf<IAccountGrain>().IsActive("acc-d"));
        using var client = SiloFactory.CreateDynamoDbClient();
        var stored = await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-d");
        Assert.True(stored["segments"].TryGetValue("segment", out var segment));
        Assert.Equal("gold", segment);
    }

    [Fact]
    public async Task Deleting_an_account_removes_its_items()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("delete"), ManualFlushOnly);
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-x");
        await grain.ApplyAsync(new[] { new FeatureUpdate("orders", "n", "1", 1), new FeatureUpdate("rewards", "points", "9", 1) });
        await silo.Storage.FlushAsync(CancellationToken.None);
        using var client = SiloFactory.CreateDynamoDbClient();
        Assert.Equal(2, (await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-x")).Count);

        Assert.True(await grain.DeleteAsync());
        Assert.Empty(await grain.GetAllAsync());
        await silo.Storage.FlushAsync(CancellationToken.None);

        Assert.Empty(await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-x"));
        Assert.False(await grain.DeleteAsync());
    }

    private static async Task ApplyToAccountsAsync(SiloFactory silo, int accounts)
    {
        for (var i = 0; i < accounts; i++)
        {
            await silo.Grains.GetGrain<IAccountGrain>($"acc-{i}").ApplyAsync(new[] { new FeatureUpdate("orders", "total_orders", "1", 1) });
        }
    }
}
