using AccountMetadata.Diagnostics;

namespace AccountMetadata.Grains;

/// <summary>What the account grains of this silo did with streamed updates.</summary>
public sealed class AccountDeliveryMetrics
{
    /// <summary>Stream deliveries (one grain turn each, carrying one or more reads' worth of an account's updates).</summary>
    public StripedCounter Deliveries { get; } = new();

    /// <summary>
    /// Deliveries applied again because the activation that applied them first was gone before they were durable.
    /// </summary>
    public StripedCounter Redeliveries { get; } = new();

    public StripedCounter Applied { get; } = new();

    public StripedCounter IgnoredAsOlder { get; } = new();

    /// <summary>Of <see cref="Applied"/>, updates already stored (delivered again after a crash or a partition move).</summary>
    public StripedCounter Replayed { get; } = new();

    public StripedCounter Erased { get; } = new();

    public StripedCounter Rejected { get; } = new();

    private long _lastDeliveryAppliedAtUnixMs;

    /// <summary>
    /// When a grain here last finished applying a delivery (Unix ms; 0: never): how long ingestion has been idle, and
    /// where a throughput measurement ends without polling the counters at a fine grain.
    /// </summary>
    public long LastDeliveryAppliedAtUnixMs => Volatile.Read(ref _lastDeliveryAppliedAtUnixMs);

    /// <summary>One plain store per delivery; concurrent grains may store out of order by microseconds, never more.</summary>
    public void DeliveryApplied(long atUnixMs) => Volatile.Write(ref _lastDeliveryAppliedAtUnixMs, atUnixMs);
}
