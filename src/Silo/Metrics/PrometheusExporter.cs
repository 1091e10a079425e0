using System.Globalization;
using System.Text;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Persistence.DynamoDB;

using AccountMetadata.Diagnostics;

namespace AccountMetadata.Silo.Metrics;

/// <summary>Renders the silo's metrics in Prometheus' text exposition format (version 0.0.4) for <c>/metrics</c>.</summary>
public sealed class PrometheusExporter(OrleansActivationCounts grains, DynamoAccountStorage storage, IngestionMetrics ingestion, HttpMetrics http)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public string Render()
    {
        var text = new StringBuilder(8 * 1024);
        Help(text, "grain_activations", "gauge", "Active grain activations on this silo by type (Orleans' count).");
        foreach (var count in grains.Latest)
        {
            Sample(text, "grain_activations", count.Active, ("type", count.Type));
        }

        Span<long> counts = stackalloc long[LatencyHistogram.BucketCount];
        var m = storage.Metrics;
        Single(text, "storage_namespace_changes_total", "counter", "Namespace changes handed to storage (before coalescing).", m.NamespaceChanges.Value);
        Single(text, "storage_item_writes_total", "counter", "DynamoDB items put or deleted (after coalescing).", m.ItemWrites.Value);
        Single(text, "storage_write_requests_total", "counter", "Conditional item write requests (PutItem / DeleteItem).", m.WriteRequests.Value);
        Single(text, "storage_retried_writes_total", "counter", "Item writes that failed (throttled, unreachable) and were sent again.", m.RetriedWrites.Value);
        Single(text, "storage_account_loads_total", "counter", "Accounts loaded from DynamoDB (one per activation).", m.StateLoads.Value);
        Single(text, "storage_account_load_requests_total", "counter", "Requests that loaded them (BatchGetItem of many accounts, or one Query each).", m.LoadRequests.Value);
        Single(text, "storage_conflicts_total", "counter", "Item writes that found a newer version (another activation wrote it) and merged.", m.Conflicts.Value);
        Single(text, "storage_throttles_total", "counter", "Throttled BatchWriteItem calls.", m.Throttles.Value);
        Single(text, "storage_failed_batches_total", "counter", "Batches that failed all attempts of a flush (items stay dirty).", m.FailedBatches.Value);
        Single(text, "storage_dirty_namespaces", "gauge", "Namespaces waiting to be written.", storage.DirtyNamespaces);
        Single(text, "storage_dirty_bytes", "gauge", "Estimated bytes of the items waiting to be written.", storage.DirtyBytes);
        Single(text, "storage_oldest_dirty_seconds", "gauge", "Age of the longest-waiting dirty namespace.", storage.OldestDirtyAge.TotalSeconds);
        Single(text, "storage_durable_watermark", "gauge", "Every write numbered up to this is durable.", storage.DurableWatermark);
        Help(text, "storage_flush_duration_seconds", "histogram", "Duration of one flush.");
        m.FlushLatency.CopyCounts(counts);
        Histogram(text, "storage_flush_duration_seconds", counts);
        RenderIngestion(text, counts);
        Single(text, "http_requests_total", "counter", "Requests to the public API (not health, metrics or dashboard).", http.Requests.Value);
        Single(text, "http_responses_4xx_total", "counter", "Public API answers with a 4xx status.", http.ClientErrors.Value);
        Single(text, "http_responses_5xx_total", "counter", "Public API answers with a 5xx status.", http.ServerErrors.Value);
        Help(text, "http_request_duration_seconds", "histogram", "Public API request latency.");
        http.Latency.CopyCounts(counts);
        Histogram(text, "http_request_duration_seconds", counts);
        return text.ToString();
    }

    private void RenderIngestion(StringBuilder text, Span<long> counts)
    {
        Single(text, "ingest_consumed_total", "counter", "Messages consumed from the ingest topic.", ingestion.Consumed.Value);
        Single(text, "ingest_applied_total", "counter", "Features applied to grains.", ingestion.Applied.Value);
        Single(text, "ingest_ignored_older_total", "counter", "Features ignored because the stored one is newer.", ingestion.IgnoredAsOlder.Value);
        Single(text, "ingest_replayed_total", "counter", "Features applied that were already stored (redelivery after a crash or rebalance).", ingestion.Replayed.Value);
        Single(text, "ingest_erased_total", "counter", "Erase commands applied.", ingestion.Erased.Value);
        Single(text, "ingest_deliveries_total", "counter", "Stream deliveries to the account grains of this silo (one grain turn each).", ingestion.Deliveries.Value);
        Single(text, "ingest_redelivered_total", "counter", "Deliveries applied again: the activation that applied them was gone before they were durable.", ingestion.Redelivered.Value);
        Single(text, "ingest_reads_total", "counter", "Reads of a partition that returned records.", ingestion.Reads);
        Single(text, "ingest_commits_total", "counter", "Offset commits.", ingestion.Commits);
        Single(text, "ingest_commit_failures_total", "counter", "Offset commits that failed (retried by the next one).", ingestion.CommitFailures);
        Single(text, "ingest_first_message_unix_ms", "gauge", "When this silo consumed its first message (0: not yet).", ingestion.FirstMessageAtUnixMs);
        Single(text, "ingest_paused", "gauge", "1 while backpressure pauses the partitions.", ingestion.IsPaused ? 1 : 0);
        Help(text, "ingest_dead_lettered_total", "counter", "Messages sent to the dead-letter topic, by reason.");
        foreach (var reason in DeadLetterReasons.All)
        {
            Sample(text, "ingest_dead_lettered_total", ingestion.DeadLettered(reason).Value, ("reason", DeadLetterReasons.Name(reason)));
        }

        var partitions = ingestion.Partitions.Values.OrderBy(p => p.Partition).ToList();
        Help(text, "ingest_partition_lag", "gauge", "Messages between the consumer's position and the partition's end.");
        foreach (var partition in partitions)
        {
            Sample(text, "ingest_partition_lag", partition.Lag, ("partition", partition.Partition.ToString(CultureInfo.InvariantCulture)));
        }

        Help(text, "ingest_partition_committed_offset", "gauge", "Last committed offset per assigned partition (-1: none yet).");
        foreach (var partition in partitions)
        {
            Sample(text, "ingest_partition_committed_offset", partition.CommittedOffset, ("partition", partition.Partition.ToString(CultureInfo.InvariantCulture)));
        }

        Help(text, "ingest_partition_uncommitted", "gauge", "Records read per partition and not yet delivered (what a crash would replay).");
        foreach (var partition in partitions)
        {
            Sample(text, "ingest_partition_uncommitted", partition.UncommittedRecords, ("partition", partition.Partition.ToString(CultureInfo.InvariantCulture)));
        }
    }


    private static void Single(StringBuilder text, string name, string type, string help, double value)
    {
        Help(text, name, type, help);
        Sample(text, name, value);
    }

    private static void Help(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, double value, params (string Key, string Value)[] labels)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                text.Append(i == 0 ? string.Empty : ",").Append(labels[i].Key).Append("=\"")
                    .Append(labels[i].Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Cumulative buckets at each power-of-two boundary (in seconds), plus _count.</summary>
    private static void Histogram(StringBuilder text, string name, ReadOnlySpan<long> counts, params (string Key, string Value)[] labels)
    {
        long cumulative = 0;
        for (var bucket = 0; bucket < counts.Length; bucket++)
        {
            cumulative += counts[bucket];
            if (bucket % LatencyHistogram.SubBuckets == LatencyHistogram.SubBuckets - 1 && bucket < counts.Length - 1)
            {
                var le = (LatencyHistogram.UpperBoundMicroseconds(bucket) / 1e6).ToString("G6", CultureInfo.InvariantCulture);
                Sample(text, name + "_bucket", cumulative, [.. labels, ("le", le)]);
            }
        }

        Sample(text, name + "_bucket", cumulative, [.. labels, ("le", "+Inf")]);
        Sample(text, name + "_count", cumulative, labels);
    }
}
