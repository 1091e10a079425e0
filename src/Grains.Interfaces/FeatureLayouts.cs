using System.Collections.Concurrent;

namespace AccountMetadata.Grains;

/// <summary>
/// A bounded pool of feature-name arrays: accounts of one namespace almost always have the same features in the
/// same order, so millions of snapshots can share one names array instead of holding one each.
/// </summary>
public sealed class FeatureLayouts(int capacity = 16_384)
{
    private readonly ConcurrentDictionary<Layout, string[]> _layouts = new();

    public static FeatureLayouts Shared { get; } = new();

    public int Count => _layouts.Count;

    public string[] Intern(ReadOnlySpan<string> names)
    {
        var candidate = new Layout(names.ToArray());
        if (_layouts.TryGetValue(candidate, out var shared))
        {
            return shared;
        }

        return _layouts.Count < capacity ? _layouts.GetOrAdd(candidate, candidate.Names) : candidate.Names;
    }

    private readonly struct Layout(string[] names) : IEquatable<Layout>
    {
        public string[] Names { get; } = names;

        public bool Equals(Layout other) => Names.AsSpan().SequenceEqual(other.Names);

        public override bool Equals(object? obj) => obj is Layout other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var name in Names)
            {
                hash.Add(name, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }
}
