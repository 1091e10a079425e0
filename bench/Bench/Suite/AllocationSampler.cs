using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace AccountMetadata.Bench.Suite;

/// <summary>
/// What another .NET process allocates, by type, sampled over its diagnostic port: the runtime's GC keyword at
/// Verbose raises an AllocationTick about every 100 KB a heap allocates, naming the type of the object that crossed
/// the mark and the bytes since the last one. A type is named in proportion to the bytes it takes, so the sums by type
/// estimate where the bytes went without a profiler attached or a trace file written.
/// </summary>
internal sealed class AllocationSampler : IAsyncDisposable
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    private readonly EventPipeSession _session;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private readonly Task _processing;
    private int _stopped;

    private AllocationSampler(int processId)
    {
        var client = new DiagnosticsClient(processId);
        _session = client.StartEventPipeSession(
            new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GC), requestRundown: false);
        var source = new EventPipeEventSource(_session.EventStream);
        source.Clr.GCAllocationTick += tick =>
        {
            var type = string.IsNullOrEmpty(tick.TypeName) ? "(unnamed)" : tick.TypeName;
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + tick.AllocationAmount64; // one thread: Process()
        };
        _processing = Task.Run(() =>
        {
            using (source)
            {
                source.Process();
            }
        });
    }

    public static AllocationSampler Start(int processId) => new(processId);

    /// <summary>Ends the session and returns the sampled bytes by type (the runtime's type names).</summary>
    public async Task<IReadOnlyDictionary<string, long>> StopAsync()
    {
        Stop();
        await _processing.ConfigureAwait(false);
        return _bytesByType;
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        await _processing.ConfigureAwait(false);
        _session.Dispose();
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            try
            {
                _session.Stop(); // ends the stream, so Process() returns
            }
            catch (Exception exception) when (exception is ServerNotAvailableException or ServerErrorException or IOException)
            {
                // The process went away meanwhile: the stream ends on its own.
            }
        }
    }
}
