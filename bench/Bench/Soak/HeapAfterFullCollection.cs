using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace AccountMetadata.Bench.Soak;

/// <summary>
/// The managed heap of another .NET process right after a full blocking collection, induced the way dotnet-gcdump
/// induces one: an EventPipe session asking for the runtime's GCHeapCollect keyword makes it run a full blocking
/// collection, and the GCHeapStats event at its end gives every generation's size after it. The silo exposes
/// nothing for this: the runtime's diagnostic port is enough.
/// </summary>
internal static class HeapAfterFullCollection
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>The heap in bytes, or null when no full blocking collection was reported within <paramref name="timeout"/>.</summary>
    public static Task<long?> MeasureAsync(int processId, TimeSpan timeout) => Task.Run(() => Measure(processId, timeout));

    private static long? Measure(int processId, TimeSpan timeout)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        var client = new DiagnosticsClient(processId);
        using var session = client.StartEventPipeSession(new EventPipeProvider(RuntimeProvider, EventLevel.Informational, keywords), requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var stopped = 0;
        void Stop()
        {
            if (Interlocked.Exchange(ref stopped, 1) == 0)
            {
                try
                {
                    session.Stop(); // ends the stream, so Process() below returns
                }
                catch (Exception exception) when (exception is ServerNotAvailableException or ServerErrorException or IOException)
                {
                    // The process went away meanwhile: the stream ends on its own.
                }
            }
        }

        // Gen0/gen1 and background collections may run meanwhile: the stats wanted are those that end the full
        // blocking one, matched by its number.
        int? fullBlocking = null;
        var ended = false;
        long? heap = null;
        source.Clr.GCStart += e => fullBlocking ??= e.Depth == 2 && e.Type == GCType.NonConcurrentGC ? e.Count : null;
        source.Clr.GCStop += e => ended |= e.Count == fullBlocking;
        source.Clr.GCHeapStats += e =>
        {
            if (ended && heap is null)
            {
                heap = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
                _ = Task.Run(Stop);
            }
        };

        using var deadline = new CancellationTokenSource(timeout);
        using var onDeadline = deadline.Token.Register(Stop);
        source.Process();
        return heap;
    }
}
