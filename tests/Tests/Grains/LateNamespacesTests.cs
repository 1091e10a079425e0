using AccountMetadata.Grains;

namespace AccountMetadata.Tests.Grains;

/// <summary>
/// How an account state takes in items that arrived after it was handed to its grain
/// (<see cref="AccountState.TakeLateNamespaces"/>): what updates created meanwhile merges with them by feature
/// timestamp, unless storage already has it.
/// </summary>
public sealed class LateNamespacesTests
{
    [Fact]
    public void A_namespace_updated_before_its_item_arrived_merges_with_it_and_takes_its_version()
    {
        var state = new AccountState();
        var local = state.Add(new NamespaceState(Build("orders", ("total_orders", "5", 200), ("last_dish", "pizza", 150)), durable: null));
        AccountState.MarkChanged(local);
        var item = Build("orders", ("total_orders", "9", 300), ("last_dish", "soup", 100));

        state.TakeLateNamespaces(Loaded(new NamespaceState(item, item) { StoredVersion = 4 }, new NamespaceState(Build("segments", ("segment", "gold", 1)), null)), _ => 42, now: 1_000);

        Assert.Same(local, state.Find("orders"));
        Assert.True(local.Current.TryGetValue("total_orders", out var total) && total == "9"); // stored and newer
        Assert.True(local.Current.TryGetValue("last_dish", out var dish) && dish == "pizza"); // updated and newer
        Assert.Equal(4, local.StoredVersion);
        Assert.Equal(42, local.ItemBytes);
        Assert.True(local.HasUnsavedChange); // the merge differs from the item: it is to be written
        Assert.NotNull(state.Find("segments"));
        Assert.Null(state.Loading);
    }

    [Fact]
    public void An_update_older_than_the_item_leaves_nothing_to_write()
    {
        var state = new AccountState();
        var local = state.Add(new NamespaceState(Build("orders", ("total_orders", "5", 200)), durable: null));
        AccountState.MarkChanged(local);
        var item = Build("orders", ("total_orders", "9", 300));

        state.TakeLateNamespaces(Loaded(new NamespaceState(item, item) { StoredVersion = 2 }), _ => 42, now: 1_000);

        Assert.Same(item, local.Current);
        Assert.True(local.IsDurable);
        Assert.False(state.HasChanges);
    }

    [Fact]
    public void A_namespace_storage_already_has_keeps_its_snapshot_for_its_write_to_merge()
    {
        var state = new AccountState();
        var snapshot = Build("orders", ("total_orders", "5", 200));
        var local = state.Add(new NamespaceState(snapshot, durable: null) { IsQueued = true, PendingSince = 7 });

        state.TakeLateNamespaces(Loaded(new NamespaceState(Build("orders", ("total_orders", "9", 300)), null) { StoredVersion = 3 }), _ => 42, now: 1_000);

        Assert.Same(snapshot, local.Current); // a write of it may be in flight: storage merges on the version it meets
        Assert.Equal(0, local.StoredVersion);
    }

    private static LateNamespaces Loaded(params NamespaceState[] found) => new(["orders", "segments"], found) { IsWholeLoad = true };

    private static NamespaceFeatures Build(string ns, params (string Name, string Value, long Timestamp)[] features)
    {
        var builder = NamespaceFeatures.Empty(ns).ToBuilder();
        foreach (var (name, value, timestamp) in features)
        {
            builder.Add(name, value, timestamp);
        }

        return builder.Build(1);
    }
}
