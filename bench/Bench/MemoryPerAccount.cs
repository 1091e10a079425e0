using System.Diagnostics;
using AccountMetadata.Grains;

namespace AccountMetadata.Bench;

/// <summary>
/// Managed heap per active account with 20 features (4 namespaces x 5), activations included: activates N and 2N
/// accounts in fresh runtimes and reports the slope, so fixed costs cancel out.
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
        using var runtime = BenchRuntime.Create();
        var names = NameInterner.Shared;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < accounts; i++)
        {
            runtime.GetGrain<IAccountGrain>($"account-{i:D8}").ApplyAsync(BenchRuntime.TwentyFeatures(names, i)).AsTask().GetAwaiter().GetResult();
        }

        var used = HeapAfterFullCollection() - before;
        Console.WriteLine($"memory: activated {accounts:N0} accounts in {watch.Elapsed.TotalSeconds:F1} s");
        GC.KeepAlive(runtime);
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
