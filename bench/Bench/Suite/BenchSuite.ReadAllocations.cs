using System.Globalization;
using System.Text;
using AccountMetadata.Testing;

namespace AccountMetadata.Bench.Suite;

internal sealed partial class BenchSuite
{
    private const int AllocationSampleSeconds = 15;

    /// <summary>
    /// Where a hot read's bytes go: on accounts loaded first, hot namespace reads and the bare-Kestrel ceiling (the same
    /// response, no grain call), each for 15 s with the silo's allocations sampled by type (<see cref="AllocationSampler"/>),
    /// after a warm-up that lets the JIT settle. Prints each kind's bytes per request, sampled and from the runtime's
    /// own counter, and the <paramref name="top"/> types by what a hot read allocates beyond the bare one. For working
    /// on the read path's allocations; writes nothing.
    /// </summary>
    public async Task<BenchResults> RunReadAllocationsAsync(int top)
    {
        var (silo, _, _, _, _) = await StartLoadedSiloAsync("read-allocations");
        try
        {
            _ = await Wrk.RunAsync(silo.BaseAddress, ReadScript(settings.Accounts, ""), threads: 2, connections: 64, seconds: 10);
            var hot = await SampleReadAllocationsAsync(silo, ReadScript(settings.Accounts, ""), "hot");
            var bare = await SampleReadAllocationsAsync(silo, ReadScript(settings.Accounts, "/bench/bare"), "bare Kestrel");
            Log(TypesBeyond(hot, bare, top));
        }
        finally
        {
            await silo.StopAsync(TimeSpan.FromMinutes(2));
            silo.Dispose();
        }

        return _results;
    }

    /// <summary>Bytes per request by type over one wrk run.</summary>
    private async Task<Dictionary<string, double>> SampleReadAllocationsAsync(SiloProcess silo, string script, string kind)
    {
        var counted = await silo.MetricAsync(_http, AllocatedBytesMetric);
        IReadOnlyDictionary<string, long> sampled;
        Wrk.Report reads;
        await using (var sampler = AllocationSampler.Start(silo.ProcessId))
        {
            reads = await Wrk.RunAsync(silo.BaseAddress, script, threads: 2, connections: 64, seconds: AllocationSampleSeconds);
            sampled = await sampler.StopAsync();
        }

        counted = await silo.MetricAsync(_http, AllocatedBytesMetric) - counted;
        var perRequest = sampled.ToDictionary(t => t.Key, t => t.Value / (double)Math.Max(1, reads.Requests), StringComparer.Ordinal);
        Log(string.Create(
            CultureInfo.InvariantCulture,
            $"{kind} reads: {reads.RequestsPerSecond:N0} req/s, {perRequest.Values.Sum():N0} B sampled per request " +
            $"({counted / Math.Max(1, reads.Requests):N0} B by the runtime's counter), {perRequest.Count} types"));
        return perRequest;
    }

    /// <summary>The <paramref name="top"/> sampled types by bytes per <paramref name="unit"/>.</summary>
    private static string TopTypes(IReadOnlyDictionary<string, long> sampled, double units, int top, string unit)
    {
        var table = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"the {top} types allocated most (sampled B per {unit}):"));
        foreach (var (type, bytes) in sampled.OrderByDescending(t => t.Value).Take(top))
        {
            table.Append(CultureInfo.InvariantCulture, $"\n  {bytes / Math.Max(1, units),7:N0}  {type}");
        }

        return table.ToString();
    }

    private static string TypesBeyond(Dictionary<string, double> hot, Dictionary<string, double> bare, int top)
    {
        var beyond = hot
            .Select(t => (Type: t.Key, Hot: t.Value, Bare: bare.GetValueOrDefault(t.Key)))
            .OrderByDescending(t => t.Hot - t.Bare)
            .Take(top);
        var table = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"the {top} types a hot read allocates most beyond a bare one (B per request: hot, bare, difference):"));
        foreach (var (type, h, b) in beyond)
        {
            table.Append(CultureInfo.InvariantCulture, $"\n  {h,7:N0} {b,7:N0} {h - b,7:N0}  {type}");
        }

        return table.ToString();
    }
}
