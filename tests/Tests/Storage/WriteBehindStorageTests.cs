using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Tests.Infrastructure;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Amazon.DynamoDBv2;

namespace AccountMetadata.Tests.Storage;

/// <summary>
/// Write-behind against DynamoDB Local: coalescing, retries, failures, durability, deactivation. The flush interval
/// is an hour here, so nothing is written unless a test flushes (or a deactivation asks for it). An apply returns
/// once the change is in memory and in storage's dirty set; <c>WhenDurableAsync</c> once it is written.
/// </summary>
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
        var activation = Guid.Empty;
        for (var i = 1; i <= 50; i++)
        {
            var result = await grain.ApplyAsync(Updates(new FeatureUpdate("orders", "total_orders", i.ToString(System.Globalization.CultureInfo.InvariantCulture), i)));
            Assert.Equal(1, result.Applied);
            activation = result.Activation;
        }

        Assert.Equal(50, silo.Storage.Metrics.NamespaceChanges.Value);
        Assert.Equal(0, silo.Storage.Metrics.ItemWrites.Value);
        Assert.True(silo.Storage.DurableWatermark < silo.Storage.LastSequence);
        var durable = grain.WhenDurableAsync(activation);

        await silo.Storage.FlushAsync(CancellationToken.None);
        Assert.True(await durable.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(await grain.WhenDurableAsync(Guid.NewGuid())); // another activation's updates: not this one's to promise

        Assert.Equal(1, silo.Storage.Metrics.ItemWrites.Value);
        Assert.Equal(1, silo.Storage.Metrics.WriteRequests.Value);
        Assert.Equal(silo.Storage.LastSequence, silo.Storage.DurableWatermark);
        using var client = SiloFactory.CreateDynamoDbClient();
        var stored = await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-1");
        Assert.True(stored["orders"].TryGetValue("total_orders", out var value));
        Assert.Equal("50", value);
        Assert.Equal(50, stored["orders"].TimestampAt(0));
    }

    [Fact]
    public async Task Writes_a_flush_has_done_are_durable_before_its_slowest_write_ends()
    {
        // 25 accounts fill the flush's first group of writes; the 26th, dirtied last, goes in the second group and its
        // write is held. The first group's accounts must hear they are durable while it is held: a watermark that moved
        // only at the end of a flush made every delivery (and Kafka commit) wait for the flush's slowest write.
        var table = StackEndpoints.UniqueName("watermark");
        var client = new GatedWritesDynamoDbClient(heldAccount: "acc-25");
        await using var silo = new SiloFactory(table, ManualFlushOnly, _ => client);
        var durable = await ApplyToAccountsAsync(silo, 26);

        var flush = silo.Storage.FlushAsync(CancellationToken.None);
        await client.Held.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(await Task.WhenAll(durable.Take(25)).WaitAsync(TimeSpan.FromSeconds(30)), Assert.True);
        Assert.False(durable[25].IsCompleted);
        Assert.False(flush.IsCompleted);
        Assert.Equal(1, silo.Storage.DirtyNamespaces);

        client.Open();
        await flush.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await durable[25].WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(silo.Storage.LastSequence, silo.Storage.DurableWatermark);
        Assert.Equal(26, await DynamoDbReader.CountItemsAsync(client, table));
    }

    [Fact]
    public async Task Failed_item_writes_are_retried_until_written()
    {
        var table = FaultInjectingDynamoDbClient.NewTable();
        var client = new FaultInjectingDynamoDbClient(faultyCalls: 2, throttle: false);
        await using var silo = new SiloFactory(table, ManualFlushOnly, _ => client);
        var durable = await ApplyToAccountsAsync(silo, 10);

        await silo.Storage.FlushAsync(CancellationToken.None);
        Assert.All(await Task.WhenAll(durable).WaitAsync(TimeSpan.FromSeconds(30)), Assert.True);

        Assert.Equal(2, client.FaultsInjected);
        Assert.Equal(2, silo.Storage.Metrics.RetriedWrites.Value);
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
        var durable = await ApplyToAccountsAsync(silo, 3);

        await silo.Storage.FlushAsync(CancellationToken.None);

        Assert.Equal(1, silo.Storage.Metrics.FailedBatches.Value);
        Assert.Equal(9, silo.Storage.Metrics.Throttles.Value); // 3 items, MaxAttempts = 3 each
        Assert.Equal(3, silo.Storage.DirtyNamespaces);
        Assert.Equal(0, silo.Storage.DurableWatermark);
        Assert.True(silo.Grains.GetGrain<IAccountGrain>("acc-0") is var g && !(await g.InspectAsync()).Namespaces[0].IsDurable);
        Assert.Equal(0, await DynamoDbReader.CountItemsAsync(client, table));
        Assert.DoesNotContain(durable, d => d.IsCompleted); // nobody is told a change is durable while it is not

        client.Healthy = true;
        await silo.Storage.FlushAsync(CancellationToken.None);
        Assert.All(await Task.WhenAll(durable).WaitAsync(TimeSpan.FromSeconds(30)), Assert.True);

        Assert.Equal(0, silo.Storage.DirtyNamespaces);
        Assert.Equal(silo.Storage.LastSequence, silo.Storage.DurableWatermark);
        Assert.Equal(3, await DynamoDbReader.CountItemsAsync(client, table));
    }

    [Fact]
    public async Task A_stop_out_of_time_ends_the_flush_in_progress_and_leaves_its_items_dirty_for_the_replay()
    {
        // DynamoDB stops answering while the flusher writes (a flush the third dirty namespace starts). The silo's stop
        // is given two seconds (Hosting:ShutdownTimeout); the flush in progress used to be waited for whatever the
        // stop's time, so these writes were never given up and the stop never ended.
        var table = FaultInjectingDynamoDbClient.NewTable();
        var client = new FaultInjectingDynamoDbClient(faultyCalls: 0, throttle: false) { Stalls = true };
        var settings = new Dictionary<string, string?>(ManualFlushOnly)
        {
            ["Storage:WriteBehind:FlushAtDirtyNamespaces"] = "3",
            ["Hosting:ShutdownTimeout"] = "00:00:02",
        };
        var logs = new CapturedLogs();
        await using var silo = new SiloFactory(table, settings, _ => client, logs);
        var storage = silo.Storage;
        var durable = await ApplyToAccountsAsync(silo, 3);
        await Eventually.Until(() => Task.FromResult(client.StallsStarted), stalled => stalled == 3, TimeSpan.FromSeconds(30), "the flush's three writes stalled");

        var stop = silo.DisposeAsync().AsTask();
        try
        {
            await Eventually.Until(() => Task.FromResult(client.StallsCancelled), cancelled => cancelled == 3, TimeSpan.FromSeconds(60), "the stalled writes given up by the stop");
        }
        catch (TimeoutException timeout)
        {
            // Which stage of the stop never ended: the silo's own lines say.
            throw new TimeoutException($"{timeout.Message}; the silo's log:\n{string.Join('\n', logs.Lines)}", timeout);
        }

        try
        {
            await stop.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
            // The host reports a stop out of its time this way; what matters is that it ended.
        }

        Assert.Equal(3, storage.DirtyNamespaces); // not durable, so never acknowledged: their Kafka offsets stay uncommitted
        Assert.DoesNotContain(durable, d => d.IsCompletedSuccessfully && d.Result);
        using var reader = SiloFactory.CreateDynamoDbClient();
        Assert.Equal(0, await DynamoDbReader.CountItemsAsync(reader, table));
    }

    [Fact]
    public async Task Storage_disposed_before_the_silo_stop_reaches_it_gives_up_its_flush_and_still_stops_cleanly()
    {
        // The order the test above meets now and then, forced: once a stop is out of time the host disposes the
        // services and moves on, while Orleans goes on stopping in the background, so the container can dispose the
        // storage before the storage's own lifecycle stage stops it. That stop used to fail on a disposed token source
        // and leave the stalled writes running.
        var table = FaultInjectingDynamoDbClient.NewTable();
        var client = new FaultInjectingDynamoDbClient(faultyCalls: 0, throttle: false) { Stalls = true };
        var settings = new Dictionary<string, string?>(ManualFlushOnly)
        {
            ["Storage:WriteBehind:FlushAtDirtyNamespaces"] = "3",
            ["Hosting:ShutdownTimeout"] = "00:00:02",
        };
        var logs = new CapturedLogs();
        await using var silo = new SiloFactory(table, settings, _ => client, logs);
        var storage = silo.Storage;
        var durable = await ApplyToAccountsAsync(silo, 3);
        await Eventually.Until(() => Task.FromResult(client.StallsStarted), stalled => stalled == 3, TimeSpan.FromSeconds(30), "the flush's three writes stalled");

        storage.Dispose();
        // Given up by the disposal itself: well within the 30 s the storage's own stop would allow them.
        await Eventually.Until(() => Task.FromResult(client.StallsCancelled), cancelled => cancelled == 3, TimeSpan.FromSeconds(10), "the stalled writes given up by the disposal");

        try
        {
            await silo.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
            // The grains wait for durability that never comes: the stop runs out of its two seconds.
        }

        // The storage's stage still comes after the disposal, and reports instead of failing.
        await Eventually.Until(() => logs.Lines.Any(line => line.Contains("Stopped with 3 namespaces not durable", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the storage's stop reported what it left dirty");
        Assert.DoesNotContain(logs.Lines, line => line.Contains("'DynamoAccountStorage-accounts' failed to stop", StringComparison.Ordinal));
        Assert.Equal(3, storage.DirtyNamespaces);
        Assert.DoesNotContain(durable, d => d.IsCompletedSuccessfully && d.Result);
    }

    [Fact]
    public async Task Deactivation_writes_the_account_and_waits_until_it_is_durable()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("deactivate"), ManualFlushOnly);
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-d");
        await grain.ApplyAsync(Updates(new FeatureUpdate("segments", "segment", "gold", 1)));
        Assert.Equal(1, silo.Storage.DirtyNamespaces);
        Assert.Equal(0, silo.Storage.Metrics.ItemWrites.Value);

        // Nothing flushes on a timer here: only the deactivation's wait for durability can trigger the write.
        await silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await Eventually.Until(async () => !await silo.IsActiveAsync("acc-d"), TimeSpan.FromSeconds(30), "deactivated");

        Assert.Equal(0, silo.Storage.DirtyNamespaces);
        using var client = SiloFactory.CreateDynamoDbClient();
        var stored = await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-d");
        Assert.True(stored["segments"].TryGetValue("segment", out var segment));
        Assert.Equal("gold", segment);
        Assert.Equal("gold", (await grain.GetNamespaceAsync("segments"))?.ValueAt(0)); // a new activation loads it back
    }

    [Fact]
    public async Task Deleting_an_account_removes_its_items()
    {
        await using var silo = new SiloFactory(StackEndpoints.UniqueName("delete"), ManualFlushOnly);
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-x");
        await grain.ApplyAsync(Updates(new FeatureUpdate("orders", "n", "1", 1), new FeatureUpdate("rewards", "points", "9", 1)));
        await silo.Storage.FlushAsync(CancellationToken.None);
        using var client = SiloFactory.CreateDynamoDbClient();
        Assert.Equal(2, (await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-x")).Count);

        Assert.True((await grain.DeleteAsync()).Erased);
        Assert.Equal(2, silo.Storage.DirtyNamespaces); // two tombstones
        Assert.Empty((await grain.GetAllAsync()).Value);
        await silo.Storage.FlushAsync(CancellationToken.None);

        Assert.Empty(await DynamoDbReader.ReadAccountAsync(client, silo.TableName, "acc-x"));
        Assert.False((await grain.DeleteAsync()).Erased);
    }

    [Fact]
    public async Task Two_unclustered_silos_writing_one_account_end_with_the_newest_value_of_every_feature()
    {
        // Two activations of one account at once: what Orleans allows briefly while membership changes, made
        // permanent here by two silos that are not clustered, on one table. Each round, each writes every feature;
        // A's timestamp is the newer one for even features, B's for odd ones.
        var table = StackEndpoints.UniqueName("split");
        await using var a = new SiloFactory(table);
        await using var b = new SiloFactory(table);
        var expected = new ExpectedState();
        var activations = new[] { a.Grains.GetGrain<IAccountGrain>("acc-split"), b.Grains.GetGrain<IAccountGrain>("acc-split") };
        await Task.WhenAll(activations.Select(async (grain, silo) =>
        {
            for (var round = 1; round <= 15; round++)
            {
                var updates = Enumerable.Range(0, 4).Select(f =>
                {
                    var newer = (f % 2) == silo;
                    var timestamp = (round * 2) + (newer ? 1 : 0);
                    var value = $"{(silo == 0 ? 'a' : 'b')}{timestamp}";
                    lock (expected)
                    {
                        expected.Observe("acc-split", "orders", $"f{f}", value, timestamp);
                    }

                    return new FeatureUpdate("orders", $"f{f}", value, timestamp);
                }).ToArray();
                var applied = await grain.ApplyAsync(Updates(updates));
                Assert.True(await grain.WhenDurableAsync(applied.Activation));
            }
        }));

        Assert.True(a.Storage.Metrics.Conflicts.Value + b.Storage.Metrics.Conflicts.Value > 0, "the two activations never met a newer item");
        using var client = SiloFactory.CreateDynamoDbClient();
        Assert.Empty(expected.Differences("acc-split", await DynamoDbReader.ReadAccountAsync(client, table, "acc-split")));

        // The activation that wrote last merged the other's newer features into memory; the other may hold older
        // ones until it writes again (or, in a cluster, until Orleans retires the duplicate). A new activation loads
        // the newest.
        await a.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await Eventually.Until(async () => !await a.IsActiveAsync("acc-split"), TimeSpan.FromSeconds(30), "A's activation collected");
        Assert.Empty(expected.Differences("acc-split", await activations[0].NamespacesAsync()));
    }

    [Fact]
    public async Task An_item_written_before_versions_existed_loads_unchanged_and_takes_new_writes()
    {
        var table = StackEndpoints.UniqueName("legacy");
        using var client = SiloFactory.CreateDynamoDbClient();
        await FaultInjectingDynamoDbClient.CreateTableAsync(client, table);
        var builder = NamespaceFeatures.Empty("orders").ToBuilder();
        builder.Add("total_orders", "3", 10);
        var legacy = AccountItemCodec.ToItem("acc-old", builder.Build(10));
        Assert.False(legacy.ContainsKey(AccountTable.VersionAttribute));
        await client.PutItemAsync(table, legacy);

        await using var silo = new SiloFactory(table);
        var grain = silo.Grains.GetGrain<IAccountGrain>("acc-old");
        Assert.Equal("3", (await grain.GetNamespaceAsync("orders"))?.ValueAt(0));
        var applied = await grain.ApplyAsync(Updates(new FeatureUpdate("orders", "total_orders", "4", 11)));
        Assert.True(await grain.WhenDurableAsync(applied.Activation));

        var stored = await client.GetItemAsync(table, AccountItemCodec.Key("acc-old", "orders"));
        Assert.Equal("4", stored.Item["total_orders"].S);
        Assert.Equal("1", stored.Item[AccountTable.VersionAttribute].N);
        Assert.Equal(0, silo.Storage.Metrics.Conflicts.Value);
    }

    /// <summary>Applies to one account each, then starts waiting for each to be durable (which only a flush makes it).</summary>
    private static async Task<List<Task<bool>>> ApplyToAccountsAsync(SiloFactory silo, int accounts)
    {
        var durable = new List<Task<bool>>(accounts);
        for (var i = 0; i < accounts; i++)
        {
            var grain = silo.Grains.GetGrain<IAccountGrain>($"acc-{i}");
            var applied = await grain.ApplyAsync(Updates(new FeatureUpdate("orders", "total_orders", "1", 1)));
            durable.Add(grain.WhenDurableAsync(applied.Activation));
        }

        Assert.Equal(accounts, silo.Storage.DirtyNamespaces);
        return durable;
    }

    private static Immutable<FeatureUpdate[]> Updates(params FeatureUpdate[] updates) => new(updates);
}
