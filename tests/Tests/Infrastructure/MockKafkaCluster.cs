using System.Runtime.InteropServices;
using AccountMetadata.Silo.Kafka;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// librdkafka's own in-process mock cluster: speaks the modern protocol (ApiVersions, headers, idempotence) that the
/// local 0.9 broker lacks. It keeps only ~5 MiB per partition, so tests that use it keep their volumes small.
/// Bound through function pointers on the same librdkafka the clients use (the one Confluent.Kafka loaded from
/// librdkafka.redist, found in the process's memory map), so no second copy is loaded.
/// </summary>
public sealed unsafe class MockKafkaCluster : IDisposable
{
    private readonly IntPtr _handle;
    private readonly IntPtr _cluster;
    private readonly delegate* unmanaged<IntPtr, byte*, int, int, int> _topicCreate;
    private readonly delegate* unmanaged<IntPtr, void> _clusterDestroy;
    private readonly delegate* unmanaged<IntPtr, void> _destroy;
    private bool _disposed;

    public MockKafkaCluster(int brokers = 1)
    {
        var library = NativeLibrary.Load(LoadedLibrdkafkaPath());
        var confNew = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_conf_new");
        var kafkaNew = (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_new");
        var clusterNew = (delegate* unmanaged<IntPtr, int, IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_new");
        var bootstraps = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_bootstraps");
        var rebalanceDelay = (delegate* unmanaged<IntPtr, int, int>)NativeLibrary.GetExport(
            library, "rd_kafka_mock_group_initial_rebalance_delay_ms");
        _topicCreate = (delegate* unmanaged<IntPtr, byte*, int, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_topic_create");
        _clusterDestroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_destroy");
        _destroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(library, "rd_kafka_destroy");

        var errors = stackalloc byte[512];
        _handle = kafkaNew(0 /* RD_KAFKA_PRODUCER */, confNew(), errors, 512);
        if (_handle == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + Marshal.PtrToStringUTF8((IntPtr)errors));
        }

        _cluster = clusterNew(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            _destroy(_handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        _ = rebalanceDelay(_cluster, 0);
        BootstrapServers = Marshal.PtrToStringUTF8(bootstraps(_cluster))!;
    }

    public string BootstrapServers { get; }

    /// <summary>The client options for this cluster: the production profile, since it speaks the modern protocol.</summary>
    public KafkaOptions KafkaOptions => new()
    {
        BootstrapServers = BootstrapServers,
        Profile = KafkaClientProfile.Production,
        ClientSettings = { ["session.timeout.ms"] = "6000" },
    };

    public void CreateTopic(string topic, int partitions)
    {
        var name = Marshal.StringToCoTaskMemUTF8(topic);
        try
        {
            var error = _topicCreate(_cluster, (byte*)name, partitions, 1);
            if (error != 0)
            {
                throw new InvalidOperationException($"rd_kafka_mock_topic_create({topic}) failed with error {error}");
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    /// <summary>The librdkafka shared object Confluent.Kafka loaded (it picks one of several bundled builds).</summary>
    private static string LoadedLibrdkafkaPath()
    {
        _ = KafkaLibrary.Version; // makes Confluent.Kafka load it
        return File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .First();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _clusterDestroy(_cluster);
        _destroy(_handle);
    }
}
