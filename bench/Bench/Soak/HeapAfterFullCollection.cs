using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace AccountMetadata.Bench.Soak;

/// <summary>
/// The managed heap of another .NET process right after a full blocking collection, induced the way dotnet-gcdump
/// induces one: an EventPipe session asking for the runtime's GCHeapCollect keyword makes it run a full blocking
/// collection, and the GCHeapStats event that follows gives every generation's size after it. The silo exposes
/// nothing for this: the runtime's diagnostic port is enough.
/// </summary>
internal static class HeapAfterFullCollection
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    public static Task<long> MeasureAsync(int processId, TimeSpan timeout) => Task.Run(() => Measure(processId, timeout));

    private static long Measure(int processId, TimeSpan timeout)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        var client = new DiagnosticsClient(processId);
        using var session = client.StartEventPipeSession(new EventPipeProvider(RuntimeProvider, EventLevel.Informational, keywords), requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        long? heap = null;
        var fullBlockingStarted = false;
        source.Clr.GCStart += e => fullBlockingStarted |= e.Depth == 2 && e.Type == GCType.NonConcurrentGC;
        source.Clr.GCHeapStats += e =>
        {
            // A gen0/gen1 or background collection may report first; the stats wanted are those of the full blocking one.
            if (!fullBlockingStarted || heap is not null)
            {
                return;
            }

            heap = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
            _ = Task.Run(session.Stop); // ends the stream, so Process() below returns
        };

        using var deadline = new Timer(_ => session.Stop(), null, timeout, Timeout.InfiniteTimeSpan);
        source.Process();
        return heap ?? throw new TimeoutException($"no full blocking collection reported by process {processId} within {timeout}");
    }
}
