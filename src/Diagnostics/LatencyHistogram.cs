using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AccountMetadata.Diagnostics;

/// <summary>
/// A lock-free latency histogram: log-linear buckets (4 per power of two of microseconds, so about 19% relative
/// precision) from 1 µs to ~1 h, striped per processor like <see cref="StripedCounter"/>. Recording is one
/// interlocked add on a cell no other core is likely writing.
/// </summary>
public sealed class LatencyHistogram
{
    public const int SubBuckets = 4;
    public const int BucketCount = 36 * SubBuckets;
    private const int RowLength = BucketCount + 16; // padding keeps stripes off each other's cache lines

    private readonly long[] _cells = new long[Stripes.Count * RowLength];

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RecordSince(long startTimestamp) => RecordMicroseconds(
        (long)((Stopwatch.GetTimestamp() - startTimestamp) * (1_000_000.0 / Stopwatch.Frequency)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RecordMicroseconds(long microseconds) =>
        Interlocked.Increment(ref _cells[(Stripes.Current * RowLength) + BucketOf(microseconds)]);

    /// <summary>Sums the stripes into <paramref name="counts"/> (length <see cref="BucketCount"/>).</summary>
    public void CopyCounts(Span<long> counts)
    {
        counts.Clear();
        for (var stripe = 0; stripe < Stripes.Count; stripe++)
        {
            for (var bucket = 0; bucket < BucketCount; bucket++)
            {
                counts[bucket] += Volatile.Read(ref _cells[(stripe * RowLength) + bucket]);
            }
        }
    }

    public long[] Snapshot()
    {
        var counts = new long[BucketCount];
        CopyCounts(counts);
        return counts;
    }

    /// <summary>The bucket holding a value: exact below 4 µs, then 4 sub-buckets per power of two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BucketOf(long microseconds)
    {
        if (microseconds < SubBuckets)
        {
            return (int)Math.Max(0, microseconds);
        }

        var log = 63 - BitOperations.LeadingZeroCount((ulong)microseconds); // >= 2
        var sub = (int)(microseconds >> (log - 2)) & (SubBuckets - 1);
        return Math.Min(BucketCount - 1, ((log - 1) * SubBuckets) + sub);
    }

    /// <summary>The largest value (µs) a bucket holds.</summary>
    public static double UpperBoundMicroseconds(int bucket)
    {
        if (bucket < SubBuckets)
        {
            return bucket;
        }

        var log = (bucket / SubBuckets) + 1;
        var sub = bucket % SubBuckets;
        return ((1L << log) + ((sub + 1L) << (log - 2))) - 1;
    }

    /// <summary>The value (ms) under which <paramref name="quantile"/> of the counted samples fall; 0 when empty.</summary>
    public static double QuantileMilliseconds(ReadOnlySpan<long> counts, double quantile)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var bucket = 0; bucket < counts.Length; bucket++)
        {
            seen += counts[bucket];
            if (seen >= rank)
            {
                return UpperBoundMicroseconds(bucket) / 1000.0;
            }
        }

        return UpperBoundMicroseconds(counts.Length - 1) / 1000.0;
    }
}
