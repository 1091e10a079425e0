using System.Globalization;
using System.Text;

namespace AccountMetadata.Bench.Suite;

/// <summary>
/// The benchmark's data, deterministic by seed: A accounts x 4 namespaces x 5 features, values valid for the demo
/// schemas, in the Kafka message shape.
/// </summary>
internal sealed class FeatureDataset(int accounts, int seed)
{
    public static readonly (string Namespace, string Feature)[] Features =
    [
        ("orders", "total_orders"), ("orders", "orders_last_30d"), ("orders", "average_ticket"), ("orders", "favourite_restaurant"), ("orders", "top_dishes"),
        ("rewards", "points"), ("rewards", "tier"), ("rewards", "lifetime_points"), ("rewards", "coupons_available"), ("rewards", "expires_at"),
        ("preferences", "cuisine"), ("preferences", "dietary"), ("preferences", "language"), ("preferences", "push_opt_in"), ("preferences", "delivery_window"),
        ("segments", "segment"), ("segments", "churn_risk"), ("segments", "ltv_bucket"), ("segments", "is_vip"), ("segments", "cohort"),
    ];

    private static readonly string[] Namespaces = ["orders", "rewards", "preferences", "segments"];
    private static readonly string[] Restaurants = ["Cantina do Ze", "Sushi Bar Kenzo", "Pizzaria Bella", "Burger Lab", "Green Bowl", "Taqueria Sol"];
    private static readonly string[] Tiers = ["bronze", "silver", "gold", "platinum"];
    private static readonly string[] Diets = ["none", "vegetarian", "vegan", "gluten_free", "halal", "kosher"];

    public int Accounts => accounts;

    public int Count => accounts * Features.Length;

    public static string AccountId(int index) => $"acct-{index:D7}";

    public static string RandomNamespace(Random random) => Namespaces[random.Next(Namespaces.Length)];

    /// <summary>The whole dataset in <paramref name="order"/>; <paramref name="timestampOffset"/> makes a newer pass.</summary>
    public IEnumerable<(string Key, byte[] Value)> Messages(MessageOrder order, long timestampOffset = 0)
    {
        if (order == MessageOrder.AccountMajor)
        {
            for (var a = 0; a < accounts; a++)
            {
                for (var f = 0; f < Features.Length; f++)
                {
                    yield return Message(a, f, timestamp: 1_700_000_000_000L + timestampOffset + f);
                }
            }
        }
        else
        {
            for (var f = 0; f < Features.Length; f++)
            {
                for (var a = 0; a < accounts; a++)
                {
                    yield return Message(a, f, timestamp: 1_700_000_000_000L + timestampOffset + f);
                }
            }
        }
    }

    public (string Key, byte[] Value) Message(int account, int feature, long timestamp)
    {
        var (ns, name) = Features[feature];
        var random = new Random(HashCode.Combine(seed, account, feature, timestamp));
        var id = AccountId(account);
        return (id, Encode(id, ns, name, Value(name, random), timestamp));
    }

    public static byte[] Encode(string accountId, string ns, string name, string value, long timestamp) => Encoding.UTF8.GetBytes(
        $$"""{"account_id":"{{accountId}}","feature_name":"{{name}}","feature_value":"{{value}}","namespace":"{{ns}}","timestamp":{{timestamp.ToString(CultureInfo.InvariantCulture)}}}""");

    private static string Value(string feature, Random random) => feature switch
    {
        "total_orders" or "orders_last_30d" or "points" or "lifetime_points" => random.Next(0, 5_000).ToString(CultureInfo.InvariantCulture),
        "average_ticket" => (random.NextDouble() * 120).ToString("F2", CultureInfo.InvariantCulture),
        "favourite_restaurant" => Restaurants[random.Next(Restaurants.Length)],
        "top_dishes" => $"{Restaurants[random.Next(Restaurants.Length)]} special;feijoada;acai bowl",
        "tier" => Tiers[random.Next(Tiers.Length)],
        "coupons_available" => random.Next(0, 20).ToString(CultureInfo.InvariantCulture),
        "expires_at" => "2027-03-01T00:00:00Z",
        "cuisine" => Restaurants[random.Next(Restaurants.Length)],
        "dietary" => Diets[random.Next(Diets.Length)],
        "language" => random.Next(2) == 0 ? "pt-BR" : "en",
        "push_opt_in" or "is_vip" => random.Next(2) == 0 ? "true" : "false",
        "delivery_window" => "18:00-21:30",
        "segment" => $"segment-{random.Next(12)}",
        "churn_risk" => random.NextDouble().ToString("F3", CultureInfo.InvariantCulture),
        "ltv_bucket" => random.Next(0, 11).ToString(CultureInfo.InvariantCulture),
        "cohort" => $"20{random.Next(18, 26)}-{random.Next(1, 13):D2}",
        _ => throw new ArgumentOutOfRangeException(nameof(feature), feature, null),
    };
}
