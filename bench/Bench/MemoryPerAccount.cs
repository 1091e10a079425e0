using System.Diagnostics;
using AccountMetadata.Grains;

namespace AccountMetadata.Bench;

/// <summary>
/// Managed heap per active account with 20 features (4 namespaces x 5), Orleans activations included: activates N
/// and 2N accounts in fresh in-process silos and reports the slope, so fixed costs cancel out.
/// </summary>
internal static class MemoryPerAccount
{
    /// <summary>Prints and returns the bytes of managed heap per active account.</summary>
    public static double Run(int accounts)
    {
        var small = Measure(accounts);
        var large = Measure(accounts * 2);
        var perAccount = (large - small) / (double)accounts;
        Console.WriteLine($"memory: {accounts:N0} accounts -> {small / 1048576.0:F1} MiB, {accounts * 2:N0} -> {large / 1048576.0:F1} MiB");
        Console.WriteLine($"memory: {perAccount:F0} bytes of managed heap per active account with 20 features");
        return perAccount;
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
