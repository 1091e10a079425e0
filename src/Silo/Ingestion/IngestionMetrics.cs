using System.Collections.Concurrent;
using AccountMetadata.Diagnostics;
using AccountMetadata.Silo.Metrics;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>What ingestion did; sampled by the dashboard and /metrics.</summary>
public sealed class IngestionMetrics
{
    private readonly StripedCounter[] _deadLettered = DeadLetterReasons.All.Select(_ => new StripedCounter()).ToArray();

    public StripedCounter Consumed { get; } = new();

    public StripedCounter Applied { get; } = new();

    public StripedCounter IgnoredAsOlder { get; } = new();

    /// <summary>Of <see cref="Applied"/>, features already stored (redelivered after a crash or rebalance).</summary>
    public StripedCounter Replayed { get; } = new();

    public StripedCounter Erased { get; } = new();

    public StripedCounter Batches { get; } = new();

    public StripedCounter Commits { get; } = new();

    public StripedCounter GrainCallRetries { get; } = new();

    /// <summary>Accounts delivered again because the activation that took their updates was gone before they were durable.</summary>
    public StripedCounter Redelivered { get; } = new();

    public LatencyHistogram CommitLatency { get; } = new();

    /// <summary>Per assigned partition: lag, position, last commit. Replaced on rebalance.</summary>
    public ConcurrentDictionary<int, PartitionStatus> Partitions { get; } = new();

    /// <summary>When the first message was consumed (Unix ms; 0 before): where ingest throughput is measured from.</summary>
    public long FirstMessageAtUnixMs { get; internal set; }

    public bool IsPaused { get; internal set; }

    public string? PauseReason { get; internal set; }

    public StripedCounter DeadLettered(DeadLetterReason reason) => _deadLettered[(int)reason];

    public long DeadLetteredTotal => _deadLettered.Sum(c => c.Value);
}
