using AccountMetadata.Runtime;
using AccountMetadata.Silo.Metrics;

namespace AccountMetadata.Silo.Runtime;

/// <summary>Calls, failures and latency of one grain method.</summary>
public sealed class GrainMethodMetrics(GrainMethod method)
{
    public GrainMethod Method { get; } = method;

    public StripedCounter Calls { get; } = new();

    public StripedCounter Errors { get; } = new();

    public LatencyHistogram Latency { get; } = new();
}
