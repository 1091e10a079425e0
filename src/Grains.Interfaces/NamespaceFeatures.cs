using System.Runtime.CompilerServices;

namespace AccountMetadata.Grains;

/// <summary>
/// The features of one account in one namespace: an immutable snapshot. The account grain replaces it on every
/// change (copy on write), so readers, the HTTP layer and the storage flusher can hold it without copying or
/// locking, like an Orleans <c>[Immutable]</c> value. Parallel arrays rather than a dictionary keep an account
/// with 20 features small; lookups are linear, which beats hashing at these sizes.
/// </summary>
public sealed class NamespaceFeatures
{
    private readonly string[] _names;
    private readonly string[] _values;
    private readonly long[] _timestamps;

    public NamespaceFeatures(string @namespace, string[] names, string[] values, long[] timestamps, long updatedAt, bool isDeleted = false)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(timestamps);
        if (names.Length != values.Length || names.Length != timestamps.Length)
        {
            throw new ArgumentException("names, values and timestamps must have the same length");
        }

        Namespace = @namespace;
        _names = names;
        _values = values;
        _timestamps = timestamps;
        UpdatedAt = updatedAt;
        IsDeleted = isDeleted;
    }

    public string Namespace { get; }

    /// <summary>When the namespace last changed, in milliseconds since the Unix epoch (silo clock).</summary>
    public long UpdatedAt { get; }

    /// <summary>A tombstone: the namespace was erased, and storage must delete its item.</summary>
    public bool IsDeleted { get; }

    public int Count => _names.Length;

    public string NameAt(int index) => _names[index];

    public string ValueAt(int index) => _values[index];

    public long TimestampAt(int index) => _timestamps[index];

    public static NamespaceFeatures Empty(string @namespace) => new(@namespace, [], [], [], 0);

    public static NamespaceFeatures Tombstone(string @namespace, long deletedAt) => new(@namespace, [], [], [], deletedAt, isDeleted: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IndexOf(string name)
    {
        var names = _names;
        for (var i = 0; i < names.Length; i++)
        {
            // Names are interned, so the reference check almost always decides.
            if (ReferenceEquals(names[i], name) || string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public bool TryGetValue(string name, out string value)
    {
        var index = IndexOf(name);
        value = index >= 0 ? _values[index] : string.Empty;
        return index >= 0;
    }

    /// <summary>A mutable copy for building the next snapshot.</summary>
    public NamespaceFeaturesBuilder ToBuilder() => new(Namespace, _names, _values, _timestamps);
}
