using System.Buffers.Binary;
using System.Text;

namespace AccountMetadata.Grains;

/// <summary>Builds the next <see cref="NamespaceFeatures"/> snapshot from the current one plus changes.</summary>
public sealed class NamespaceFeaturesBuilder
{
    private readonly NamespaceFeatures _source;
    private string[] _names;
    private long[] _timestamps;

    // A value is either unchanged (taken from the source snapshot by index) or new (its UTF-8 bytes).
    private byte[]?[] _newValues;
    private int[] _sourceIndex;
    private int _count;
    private bool _layoutChanged;

    internal NamespaceFeaturesBuilder(NamespaceFeatures source)
    {
        _source = source;
        _count = source.Count;
        var capacity = Math.Max(4, _count + 2);
        _names = new string[capacity];
        _timestamps = new long[capacity];
        _newValues = new byte[]?[capacity];
        _sourceIndex = new int[capacity];
        for (var i = 0; i < _count; i++)
        {
            _names[i] = source.NameAt(i);
            _timestamps[i] = source.TimestampAt(i);
            _sourceIndex[i] = i;
        }
    }

    public int Count => _count;

    public int IndexOf(string name)
    {
        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(_names[i], name) || string.Equals(_names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public long TimestampAt(int index) => _timestamps[index];

    public bool ValueEquals(int index, string value) => _newValues[index] is { } bytes
        ? NamespaceFeatures.Utf8Equals(bytes, value)
        : _source.ValueEquals(_sourceIndex[index], value);

    /// <summary>The stored value's UTF-8 length (what DynamoDB counts toward the item size).</summary>
    public int ValueByteCount(int index) => _newValues[index]?.Length ?? _source.ValueUtf8At(_sourceIndex[index]).Length;

    public void Set(int index, string value, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(value);
        _newValues[index] = Encoding.UTF8.GetBytes(value);
        _timestamps[index] = timestamp;
    }

    public void Add(string name, string value, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_count == _names.Length)
        {
            var capacity = _count * 2;
            Array.Resize(ref _names, capacity);
            Array.Resize(ref _timestamps, capacity);
            Array.Resize(ref _newValues, capacity);
            Array.Resize(ref _sourceIndex, capacity);
        }

        _names[_count] = name;
        _timestamps[_count] = timestamp;
        _newValues[_count] = Encoding.UTF8.GetBytes(value);
        _count++;
        _layoutChanged = true;
    }

    /// <summary>The snapshot: names shared with every snapshot of the same layout, everything else in one array.</summary>
    public NamespaceFeatures Build(long updatedAt)
    {
        var valueBytes = 0;
        for (var i = 0; i < _count; i++)
        {
            valueBytes += ValueByteCount(i);
        }

        var data = new byte[(_count * 12) + valueBytes];
        var ends = _count * 8;
        var values = _count * 12;
        var offset = 0;
        for (var i = 0; i < _count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i * 8), _timestamps[i]);
            var value = _newValues[i] is { } bytes ? bytes : _source.ValueUtf8At(_sourceIndex[i]);
            value.CopyTo(data.AsSpan(values + offset));
            offset += value.Length;
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(ends + (i * 4)), offset);
        }

        var names = _layoutChanged ? FeatureLayouts.Shared.Intern(_names.AsSpan(0, _count)) : _source.Names;
        return new NamespaceFeatures(_source.Namespace, names, data, updatedAt, isDeleted: false);
    }
}
