using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AccountMetadata.Diagnostics;

/// <summary>
/// A counter that many threads bump without fighting over one cache line: one padded cell per processor stripe,
/// summed when read. Reads are rare (the dashboard samples once a second), increments are on every hot call.
/// </summary>
public sealed class StripedCounter
{
    private readonly PaddedLong[] _cells = new PaddedLong[Stripes.Count];

    public long Value
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _cells.Length; i++)
            {
                sum += Volatile.Read(ref _cells[i].Value);
            }

            return sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment() => Interlocked.Increment(ref _cells[Stripes.Current].Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long amount) => Interlocked.Add(ref _cells[Stripes.Current].Value, amount);

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [FieldOffset(64)]
        public long Value;
    }
}
