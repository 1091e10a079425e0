using System.Globalization;
using AccountMetadata.Grains;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>Maps a namespace snapshot to its DynamoDB item and back (layout in <see cref="AccountTable"/>).</summary>
public static class AccountItemCodec
{
    public static Dictionary<string, AttributeValue> ToItem(string accountId, NamespaceFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var item = new Dictionary<string, AttributeValue>(features.Count + 4, StringComparer.Ordinal)
        {
            [AccountTable.AccountIdAttribute] = new() { S = accountId },
            [AccountTable.NamespaceAttribute] = new() { S = features.Namespace },
            [AccountTable.UpdatedAtAttribute] = new() { N = features.UpdatedAt.ToString(CultureInfo.InvariantCulture) },
        };
        var timestamps = new Dictionary<string, AttributeValue>(features.Count, StringComparer.Ordinal);
        for (var i = 0; i < features.Count; i++)
        {
            item[features.NameAt(i)] = new AttributeValue { S = features.ValueAt(i) };
            timestamps[features.NameAt(i)] = new AttributeValue { N = features.TimestampAt(i).ToString(CultureInfo.InvariantCulture) };
        }

        item[AccountTable.TimestampsAttribute] = new AttributeValue { M = timestamps };
        return item;
    }

    public static Dictionary<string, AttributeValue> Key(string accountId, string @namespace) => new(StringComparer.Ordinal)
    {
        [AccountTable.AccountIdAttribute] = new() { S = accountId },
        [AccountTable.NamespaceAttribute] = new() { S = @namespace },
    };

    /// <summary>The item's version attribute, 0 when it has none (written before versions existed).</summary>
    public static long VersionOf(Dictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.TryGetValue(AccountTable.VersionAttribute, out var v) && v.N is not null ? long.Parse(v.N, CultureInfo.InvariantCulture) : 0;
    }

    public static NamespaceFeatures FromItem(Dictionary<string, AttributeValue> item, NameInterner interner)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(interner);
        var @namespace = interner.Intern(item[AccountTable.NamespaceAttribute].S);
        var updatedAt = item.TryGetValue(AccountTable.UpdatedAtAttribute, out var u) && u.N is not null
            ? long.Parse(u.N, CultureInfo.InvariantCulture)
            : 0;
        var timestamps = item.TryGetValue(AccountTable.TimestampsAttribute, out var t) ? t.M : null;
        var builder = NamespaceFeatures.Empty(@namespace).ToBuilder();
        foreach (var (name, value) in item)
        {
            if (value.S is null || name is AccountTable.AccountIdAttribute or AccountTable.NamespaceAttribute || name.StartsWith('_'))
            {
                continue;
            }

            var timestamp = timestamps is not null && timestamps.TryGetValue(name, out var ts) && ts.N is not null
                ? long.Parse(ts.N, CultureInfo.InvariantCulture)
                : 0;
            builder.Add(interner.Intern(name), value.S, timestamp);
        }

        return builder.Build(updatedAt);
    }
}
