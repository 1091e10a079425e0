using AccountMetadata.Diagnostics;

namespace AccountMetadata.Silo.Metrics;

/// <summary>Requests served by the public API (not the dashboard, health or metrics endpoints).</summary>
public sealed class HttpMetrics
{
    public StripedCounter Requests { get; } = new();

    /// <summary>Answers with a 5xx status.</summary>
    public StripedCounter ServerErrors { get; } = new();

    /// <summary>Answers with a 4xx status (bad ids, unknown accounts, missing keys).</summary>
    public StripedCounter ClientErrors { get; } = new();

    public LatencyHistogram Latency { get; } = new();
}
