using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AccountMetadata.Tests.Grains;

/// <summary>
/// Account grain semantics on Orleans' own test cluster (<see cref="InProcessTestCluster"/>, two silos) with the
/// write-behind storage on DynamoDB Local: one activation per account in the cluster, state that survives
/// deactivation, erasure, and unknown accounts that leave nothing behind.
/// </summary>
public sealed class AccountGrainClusterTests : IAsyncLifetime
{
    private readonly string _table = StackEndpoints.UniqueName("cluster");
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton<AccountDeliveryMetrics>();
            silo.Services.AddSingleton<AccountDeliveryOptions>();
            silo.Services.AddSingleton<IRejectedUpdates, NoStreamedUpdates>();
            silo.AddDynamoDbAccountStorage(
                AccountGrain.StorageName,
                table =>
                {
                    table.ServiceUrl = StackEndpoints.Current.DynamoDbUrl;
                    table.TableName = _table;
                    table.CreateTableIfMissing = true;
                },
                writeBehind => writeBehind.FlushInterval = TimeSpan.FromMilliseconds(50));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_resolved_reference_reaches_the_activation_GetGrain_reaches()
    {
        var expected = _cluster.Client.GetGrain<IAccountGrain>("acc-resolved");
        await expected.ApplyAsync(new FeatureUpdate("orders", "total", "7", 100));
        foreach (var silo in _cluster.Silos)
        {
            var references = new AccountGrainReferences(silo.ServiceProvider.GetRequiredService<IGrainFactory>());
            foreach (var reference in new[] { references.Get("acc-resolved"), references.Get("acc-resolved"u8.ToArray()) })
            {
                Assert.Equal(expected.GetGrainId(), reference.GetGrainId());
                Assert.Equal("7", (await reference.GetNamespaceAsync("orders"))?.ValueAt(0));
            }
        }
    }

    [Fact]
    public async Task An_account_has_one_activation_in_the_cluster_and_its_state_outlives_it()
    {
        var grain = _cluster.Client.GetGrain<IAccountGrain>("acc-cluster");
        var first = await grain.ApplyAsync(new FeatureUpdate("orders", "total", "5", 200), new FeatureUpdate("orders", "total", "4", 100));
        Assert.Equal((1, 1), (first.Applied, first.IgnoredAsOlder));
        var replay = await grain.ApplyAsync(new FeatureUpdate("orders", "total", "5", 200));
        Assert.Equal(1, replay.Replayed);

        // Every silo's grain factory reaches the same activation.
        foreach (var silo in _cluster.Silos)
        {
            var factory = silo.ServiceProvider.GetRequiredService<IGrainFactory>();
            Assert.Equal("5", (await factory.GetGrain<IAccountGrain>("acc-cluster").GetNamespaceAsync("orders"))?.ValueAt(0));
        }

        Assert.True(_cluster.TryGetGrainContext(grain.GetGrainId(), out _));
        await _cluster.DeactivateAsync(grain);
        Assert.False(_cluster.TryGetGrainContext(grain.GetGrainId(), out _));

        // A new activation (on whichever silo Orleans picks) loads what the first one acknowledged.
        var reloaded = await grain.GetNamespaceAsync("orders");
        Assert.Equal(("5", 200L), (reloaded?.ValueAt(0), reloaded?.TimestampAt(0)));
        Assert.Equal(1, (await grain.ApplyAsync(new FeatureUpdate("orders", "total", "5", 200))).Replayed);
    }

    [Fact]
    public async Task An_erased_account_stays_erased_after_reactivation()
    {
        var grain = _cluster.Client.GetGrain<IAccountGrain>("acc-erase");
        await grain.ApplyAsync(new FeatureUpdate("orders", "total", "1", 1), new FeatureUpdate("rewards", "points", "9", 1));
        Assert.True((await grain.DeleteAsync()).Erased);
        Assert.Empty((await grain.GetAllAsync()).Value);

        await _cluster.DeactivateAsync(grain);
        Assert.Empty((await grain.GetAllAsync()).Value);
        Assert.False((await grain.DeleteAsync()).Erased);
    }

    [Fact]
    public async Task A_delivery_this_activation_did_not_apply_is_named_for_redelivery_and_redelivery_is_durable_on_return()
    {
        var grain = _cluster.Client.GetGrain<IAccountGrain>("acc-confirm");
        var delivery = new RecordOrigin(3, 42);

        // Never applied here (as when the activation that applied it died with its silo): named, so it is delivered again.
        Assert.Equal([delivery], (await grain.ConfirmDeliveriesAsync(new([delivery]))).Value);

        AccountStreamEvent[] events = [new FeaturesPublished([new FeatureUpdate("orders", "total_orders", "9", 5)], [delivery])];
        await grain.RedeliverAsync(new Immutable<AccountStreamEvent[]>(events));
        using var client = SiloFactory.CreateDynamoDbClient();
        var stored = await DynamoDbReader.ReadAccountAsync(client, _table, "acc-confirm");
        Assert.True(stored["orders"].TryGetValue("total_orders", out var value)); // durable when the call returned
        Assert.Equal("9", value);
    }

    [Fact]
    public async Task A_lookup_of_an_unknown_account_leaves_no_activation()
    {
        var grain = _cluster.Client.GetGrain<IAccountGrain>("acc-nobody");
        Assert.Null(await grain.GetNamespaceAsync("orders"));
        await _cluster.WaitForDeactivationAsync(grain).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(_cluster.TryGetGrainContext(grain.GetGrainId(), out _));
    }
}
