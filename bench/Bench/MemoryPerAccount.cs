using System.Diagnostics;
using AccountMetadata.Grains;

namespace AccountMetadata.Bench;

/// <summary>
/// Managed heap per active account with 20 features (4 namespaces x 5), Orleans activations included: activates N
/// and 2N accounts in fresh in-process silos and reports the slope, so fixed costs cancel out.
/// </summary>
internal static class MemoryPerAccount
{
    /// <summary>Prints and returns the bytes of managed heap per active account, and per account's state alone.</summary>
    public static (double PerActivation, double StateAlone) Run(int accounts)
    {
        var small = Measure(accounts);
        var large = Measure(accounts * 2);
        var perAccount = (large - small) / (double)accounts;
        Console.WriteLine($"memory: {accounts:N0} accounts -> {small / 1048576.0:F1} MiB, {accounts * 2:N0} -> {large / 1048576.0:F1} MiB");
        Console.WriteLine($"memory: {perAccount:F0} bytes of managed heap per active account with 20 features, Orleans activation included");
        var stateAlone = (MeasureStates(accounts * 2) - MeasureStates(accounts)) / (double)accounts;
        Console.WriteLine($"memory: {stateAlone:F0} bytes per account of grain state alone (AccountState and its snapshots)");
        return (perAccount, stateAlone);
    }

    /// <summary>The same accounts' state built without Orleans: what the grain itself keeps.</summary>
    private static long MeasureStates(int accounts)
    {
        var before = HeapAfterFullCollection();
        var states = new AccountState[accounts];
        for (var i = 0; i < accounts; i++)
        {
            var state = new AccountState();
            foreach (var group in BenchSilo.TwentyFeatures(NameInterner.Shared, i).Value.GroupBy(u => u.Namespace))
            {
                var builder = NamespaceFeatures.Empty(group.Key).ToBuilder();
                foreach (var update in group)
                {
                    builder.Add(update.Name, update.Value, update.Timestamp);
                }

                var snapshot = builder.Build(0);
                state.Add(new NamespaceState(snapshot, snapshot) { ItemBytes = DynamoItemSize.Of($"account-{i:D8}", snapshot) });
            }

            states[i] = state;
        }

        var used = HeapAfterFullCollection() - before;
        GC.KeepAlive(states);
        return used;
    }

    private static long Measure(int accounts)
    {
        var before = HeapAfterFullCollection();
        using var silo = BenchSilo.Start();
        var names = NameInterner.Shared;
        var watch = Stopwatch.StartNew();
        const int inFlight = 256;
        var calls = new List<Task>(inFlight);
        for (var i = 0; i < accounts; i++)
        {
            calls.Add(silo.Grains.GetGrain<IAccountGrain>($"account-{i:D8}").ApplyAsync(BenchSilo.TwentyFeatures(names, i)));
            if (calls.Count == inFlight)
            {
                Task.WhenAll(calls).GetAwaiter().GetResult();
                calls.Clear();
            }
        }

        Task.WhenAll(calls).GetAwaiter().GetResult();
        var used = HeapAfterFullCollection() - before;
        Console.WriteLine($"memory: activated {accounts:N0} accounts in {watch.Elapsed.TotalSeconds:F1} s");
        GC.KeepAlive(silo);
        return used;
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
