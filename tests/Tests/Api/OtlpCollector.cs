using System.Collections.Concurrent;
using System.Net;

namespace AccountMetadata.Tests.Api;

/// <summary>
/// The receiving end of OTLP over HTTP (what an OpenTelemetry Collector listens on at 4318), on a free loopback port:
/// keeps every body posted to <c>/v1/traces</c>, <c>/v1/metrics</c> or <c>/v1/logs</c> and answers 200 as a collector
/// does. The bodies are protobuf; the strings in them (span and metric names, attribute values) are plain UTF-8.
/// </summary>
internal sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _received = new(StringComparer.Ordinal);
    private readonly Task _serving;

    private OtlpCollector(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    public static OtlpCollector Start() => new(LoopbackPorts.Free());

    /// <summary>The bodies received so far on <paramref name="path"/>.</summary>
    public IReadOnlyCollection<byte[]> Received(string path) => _received.TryGetValue(path, out var bodies) ? bodies : [];

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return; // closed
            }

            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _received.GetOrAdd(context.Request.Url!.AbsolutePath, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
                context.Response.StatusCode = (int)HttpStatusCode.OK;
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
            {
                context.Response.Abort(); // one export the exporter gave up on: keep serving the next
            }
        }
    }
}
