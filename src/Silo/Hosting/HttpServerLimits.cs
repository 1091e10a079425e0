using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// Configuration section <c>HttpServer</c>: Kestrel's limits and timeouts, tighter than its defaults because this
/// API's requests are small (an id in the path, a batch of at most a few MB) and slow clients must not hold
/// connections or memory. Kestrel answers breaches itself (431, 413, 408) before the request reaches the app.
/// </summary>
public sealed class HttpServerLimits
{
    public const string SectionName = "HttpServer";

    public int MaxRequestHeadersTotalBytes { get; set; } = 16 * 1024;

    public int MaxRequestHeaderCount { get; set; } = 64;

    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>Server-wide cap; endpoints set lower ones (64 KB for reads, 2 MB for feature batches).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    public long? MaxConcurrentConnections { get; set; } = 20_000;

    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A body arriving slower than this (after the grace period) is cut with 408.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 1024;

    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    public void ApplyTo(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalBytes;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.MaxRequestLineSize = MaxRequestLineBytes;
        limits.MaxRequestBodySize = MaxRequestBodyBytes;
        limits.MaxConcurrentConnections = MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = 0; // no WebSockets here
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(MinRequestBodyBytesPerSecond, MinDataRateGracePeriod);
        limits.MinResponseDataRate = new MinDataRate(240, MinDataRateGracePeriod);
    }
}
