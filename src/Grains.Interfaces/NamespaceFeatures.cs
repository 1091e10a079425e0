using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace AccountMetadata.Grains;

/// <summary>
/// The features of one account in one namespace: an immutable snapshot. The account grain replaces it on every
/// change (copy on write), so readers, the HTTP layer and the storage flusher hold it without copying or locking,
/// like an Orleans <c>[Immutable]</c> value.
/// <para>
/// Compact, because millions of accounts stay in memory: the feature names are an array shared by every snapshot
/// with the same layout (see <see cref="FeatureLayouts"/>), and timestamps, value offsets and the UTF-8 values live
/// in one byte array: <c>[timestamps: 8 x n][value ends: 4 x n][values]</c>. The read path writes the UTF-8 values
/// straight into responses; lookups are linear, which beats hashing at these sizes.
/// </para>
/// <para>
/// Orleans never deep-copies it (<c>[Immutable]</c>): a read served by an activation on this silo hands the caller
/// the snapshot itself; one on another silo serializes the three fields below as they are.
/// </para>
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed class NamespaceFeatures
{
    [Id(0)]
    private readonly string[] _names;

    [Id(1)]
    private readonly byte[] _data;

    internal NamespaceFeatures(string @namespace, string[] names, byte[] data, long updatedAt, bool isDeleted)
    {
        Namespace = @namespace;
        _names = names;
        _data = data;
        UpdatedAt = updatedAt;
        IsDeleted = isDeleted;
    }

    [Id(2)]
    public string Namespace { get; }

    /// <summary>When the namespace last changed, in milliseconds since the Unix epoch (silo clock).</summary>
    [Id(3)]
    public long UpdatedAt { get; }

    /// <summary>A tombstone: the namespace was erased, and storage must delete its item.</summary>
    [Id(4)]
    public bool IsDeleted { get; }

    public int Count => _names.Length;

    /// <summary>Bytes this snapshot holds beyond its shared names (for memory accounting).</summary>
    public int DataBytes => _data.Length;

    private int ValuesStart => _names.Length * 12;

    public static NamespaceFeatures Empty(string @namespace) => new(@namespace, [], [], 0, isDeleted: false);

    public static NamespaceFeatures Tombstone(string @namespace, long deletedAt) => new(@namespace, [], [], deletedAt, isDeleted: true);

    public string NameAt(int index) => _names[index];

    public long TimestampAt(int index) => BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(index * 8, 8));

    public ReadOnlySpan<byte> ValueUtf8At(int index)
    {
        var start = index == 0 ? 0 : ValueEnd(index - 1);
        return _data.AsSpan(ValuesStart + start, ValueEnd(index) - start);
    }

    /// <summary>The value as a string (allocates: the read path uses <see cref="ValueUtf8At"/>).</summary>
    public string ValueAt(int index) => Encoding.UTF8.GetString(ValueUtf8At(index));

    public bool ValueEquals(int index, string value) => Utf8Equals(ValueUtf8At(index), value);

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
        value = index >= 0 ? ValueAt(index) : string.Empty;
        return index >= 0;
    }

    /// <summary>A mutable copy for building the next snapshot.</summary>
    public NamespaceFeaturesBuilder ToBuilder() => new(this);

    internal string[] Names => _names;

    internal static bool Utf8Equals(ReadOnlySpan<byte> utf8, string value)
    {
        if (utf8.Length < value.Length || utf8.Length > value.Length * 3)
        {
            return false;
        }

        Span<byte> buffer = utf8.Length <= 512 ? stackalloc byte[utf8.Length] : new byte[utf8.Length];
        return Encoding.UTF8.TryGetBytes(value, buffer, out var written) && written == utf8.Length && buffer.SequenceEqual(utf8);
    }

    private int ValueEnd(int index) => BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan((_names.Length * 8) + (index * 4), 4));
}
