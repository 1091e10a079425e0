using System.Collections.Concurrent;

namespace AccountMetadata.Grains;

/// <summary>
/// A bounded intern pool for namespace and feature names: millions of accounts share a few hundred names, so each
/// should exist once in memory. Unlike <see cref="string.Intern(string)"/> it has a cap (names come from outside),
/// and it can intern straight from a span without allocating a string first (the Kafka parser's case).
/// </summary>
public sealed class NameInterner(int capacity = 100_000)
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public static NameInterner Shared { get; } = new();

    public int Count => _names.Count;

    public string Intern(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_names.TryGetValue(name, out var interned))
        {
            return interned;
        }

        return _names.Count < capacity ? _names.GetOrAdd(name, name) : name;
    }

    public string Intern(ReadOnlySpan<char> name)
    {
        var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out var interned))
        {
            return interned;
        }

        var created = name.ToString();
        return _names.Count < capacity ? _names.GetOrAdd(created, created) : created;
    }
}
