using AccountMetadata.Grains;

namespace AccountMetadata.Testing;

/// <summary>
/// What the store must hold after a stream of features: per account, namespace and feature, the value with the
/// highest timestamp (ties: the later message). Built alongside the generated stream.
/// </summary>
public sealed class ExpectedState
{
    private readonly Dictionary<(string Account, string Namespace, string Feature), (string Value, long Timestamp)> _latest = [];

    public IEnumerable<string> Accounts => _latest.Keys.Select(k => k.Account).Distinct();

    public int Count => _latest.Count;

    public void Observe(string account, string ns, string feature, string value, long timestamp)
    {
        var key = (account, ns, feature);
        if (!_latest.TryGetValue(key, out var current) || timestamp >= current.Timestamp)
        {
            _latest[key] = (value, timestamp);
        }
    }

    /// <summary>Every difference between the expectation and <paramref name="actual"/> (account's namespaces).</summary>
    public IEnumerable<string> Differences(string account, IReadOnlyDictionary<string, NamespaceFeatures> actual)
    {
        foreach (var ((a, ns, feature), (value, timestamp)) in _latest)
        {
            if (a != account)
            {
                continue;
            }

            if (!actual.TryGetValue(ns, out var features) || features.IndexOf(feature) is var i && i < 0)
            {
                yield return $"{account}/{ns}/{feature}: missing, expected '{value}'@{timestamp}";
                continue;
            }

            if (features.ValueAt(i) != value || features.TimestampAt(i) != timestamp)
            {
                yield return $"{account}/{ns}/{feature}: '{features.ValueAt(i)}'@{features.TimestampAt(i)}, expected '{value}'@{timestamp}";
            }
        }
    }
}
