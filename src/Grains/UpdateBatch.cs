using System.Buffers;

namespace AccountMetadata.Grains;

/// <summary>
/// Walks a batch of updates namespace by namespace, keeping arrival order inside each namespace, with a pooled
/// "processed" mark per update so grouping allocates nothing.
/// </summary>
internal ref struct UpdateBatch
{
    private readonly ReadOnlySpan<FeatureUpdate> _updates;
    private readonly bool[] _processed;

    public UpdateBatch(ReadOnlySpan<FeatureUpdate> updates)
    {
        _updates = updates;
        _processed = ArrayPool<bool>.Shared.Rent(updates.Length);
        Array.Clear(_processed, 0, updates.Length);
    }

    public readonly ref readonly FeatureUpdate this[int index] => ref _updates[index];

    public readonly int NextUnprocessed(int from)
    {
        for (var i = from; i < _updates.Length; i++)
        {
            if (!_processed[i])
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The next unprocessed update after <paramref name="index"/> in namespace <paramref name="name"/>, or -1.</summary>
    public readonly int NextInNamespace(int index, string name)
    {
        for (var i = index + 1; i < _updates.Length; i++)
        {
            var other = _updates[i].Namespace;
            if (!_processed[i] && (ReferenceEquals(other, name) || string.Equals(other, name, StringComparison.Ordinal)))
            {
                return i;
            }
        }

        return -1;
    }

    public readonly void MarkProcessed(int index) => _processed[index] = true;

    public readonly void Dispose() => ArrayPool<bool>.Shared.Return(_processed);
}
