namespace AccountMetadata.Grains;

/// <summary>Builds the next <see cref="NamespaceFeatures"/> snapshot from the current one plus changes.</summary>
public sealed class NamespaceFeaturesBuilder
{
    private readonly string _namespace;
    private string[] _names;
    private string[] _values;
    private long[] _timestamps;
    private int _count;

    internal NamespaceFeaturesBuilder(string @namespace, string[] names, string[] values, long[] timestamps)
    {
        _namespace = @namespace;
        _count = names.Length;
        _names = new string[Math.Max(4, _count + 4)];
        _values = new string[_names.Length];
        _timestamps = new long[_names.Length];
        names.CopyTo(_names, 0);
        values.CopyTo(_values, 0);
        timestamps.CopyTo(_timestamps, 0);
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

    public string ValueAt(int index) => _values[index];

    public long TimestampAt(int index) => _timestamps[index];

    public void Set(int index, string value, long timestamp)
    {
        _values[index] = value;
        _timestamps[index] = timestamp;
    }

    public void Add(string name, string value, long timestamp)
    {
        if (_count == _names.Length)
        {
            Array.Resize(ref _names, _count * 2);
            Array.Resize(ref _values, _count * 2);
            Array.Resize(ref _timestamps, _count * 2);
        }

        _names[_count] = name;
        _values[_count] = value;
        _timestamps[_count] = timestamp;
        _count++;
    }

    /// <summary>The snapshot, with arrays trimmed to size (these live for as long as the account stays active).</summary>
    public NamespaceFeatures Build(long updatedAt) =>
        new(_namespace, _names[.._count], _values[.._count], _timestamps[.._count], updatedAt);
}
