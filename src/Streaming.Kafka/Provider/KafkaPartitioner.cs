using System.Buffers;
using System.Text;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Kafka's default (Java client) partitioner: murmur2 of the key bytes, made positive, modulo the partition count.
/// librdkafka's <c>murmur2_random</c> partitioner is the same function, and every producer of ours sets it, so the
/// silo can tell which partition, and therefore which silo, owns an account without asking anyone.
/// </summary>
public static class KafkaPartitioner
{
    /// <summary>librdkafka's name for this partitioner (producer setting <c>partitioner</c>).</summary>
    public const string LibrdkafkaName = "murmur2_random";

    public static int PartitionOf(string key, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        var length = Encoding.UTF8.GetByteCount(key);
        var rented = length <= 256 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> bytes = rented ?? stackalloc byte[256];
        try
        {
            var written = Encoding.UTF8.GetBytes(key, bytes);
            return (Murmur2(bytes[..written]) & 0x7fffffff) % partitionCount;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Kafka's <c>Utils.murmur2</c>, bit for bit.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint Seed = 0x9747b28c;
        const uint M = 0x5bd1e995;
        const int R = 24;
        var length = data.Length;
        var h = Seed ^ (uint)length;
        var blocks = length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = (uint)(data[i * 4] | (data[(i * 4) + 1] << 8) | (data[(i * 4) + 2] << 16) | (data[(i * 4) + 3] << 24));
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        var tail = length & ~3;
        switch (length % 4)
        {
            case 3:
                h ^= (uint)data[tail + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[tail + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[tail];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }
}
