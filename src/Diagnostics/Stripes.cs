using System.Numerics;
using System.Runtime.CompilerServices;

namespace AccountMetadata.Diagnostics;

/// <summary>Which stripe of a striped metric the current thread writes: its processor, folded to a power of two.</summary>
internal static class Stripes
{
    public static readonly int Count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 16));

    public static int Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Thread.GetCurrentProcessorId() & (Count - 1);
    }
}
