using System.Globalization;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>
/// A deterministic stream of valid demo-schema features: several versions of each feature per account, some out
/// of order, with the expected final state.
/// </summary>
internal static class FeatureStream
{
    private static readonly (string Namespace, string Feature)[] Features =
    [
        ("orders", "total_orders"), ("orders", "orders_last_30d"), ("rewards", "points"), ("segments", "ltv_bucket"), ("preferences", "cuisine"),
    ];

    public static List<(string Key, byte[] Value)> Generate(string prefix, int accounts, int versions, int seed, ExpectedState expected)
    {
        var random = new Random(seed);
        var messages = new List<(string, byte[])>(accounts * Features.Length * versions);
        for (var version = 0; version < versions; version++)
        {
            for (var a = 0; a < accounts; a++)
            {
                var account = $"{prefix}-{a}";
                foreach (var (ns, feature) in Features)
                {
                    // Timestamps grow with the version, with a random dip now and then (late data).
                    var timestamp = 10_000 + (version * 1000L) + random.Next(900) - (random.Next(10) == 0 ? 1000 : 0);
                    var value = feature == "cuisine"
                        ? $"cuisine-{random.Next(50)}"
                        : (feature == "ltv_bucket" ? random.Next(11) : random.Next(100_000)).ToString(CultureInfo.InvariantCulture);
                    expected.Observe(account, ns, feature, value, timestamp);
                    messages.Add((account, FeatureProducer.Feature(account, ns, feature, value, timestamp)));
                }
            }
        }

        return messages;
    }
}
