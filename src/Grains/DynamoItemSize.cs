namespace AccountMetadata.Grains;

/// <summary>
/// DynamoDB's item size arithmetic (attribute name bytes + value bytes; numbers ~1 byte per two digits + 1; map
/// entries ~1 extra byte each), close enough to refuse an update before it makes an item DynamoDB would reject.
/// </summary>
public static class DynamoItemSize
{
    /// <summary>DynamoDB's hard limit for one item.</summary>
    public const int MaxItemBytes = 400 * 1024;

    /// <summary>Key attributes and the three bookkeeping attributes of an item (`_updated_at`, `_ts`, `_v`), without any feature.</summary>
    public static int Base(string accountId, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(@namespace);
        return "account_id".Length + accountId.Length + "namespace".Length + @namespace.Length
            + "_updated_at".Length + NumberBytes + "_ts".Length + 3 + "_v".Length + NumberBytes;
    }

    /// <summary>One feature: its attribute, plus its entry in the timestamps map.</summary>
    public static int Feature(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Feature(name, Utf8Length(value));
    }

    /// <summary>One feature whose value is <paramref name="valueBytes"/> long in UTF-8.</summary>
    public static int Feature(string name, int valueBytes)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length + valueBytes + name.Length + 1 + NumberBytes;
    }

    public static int Of(string accountId, NamespaceFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var size = Base(accountId, features.Namespace);
        for (var i = 0; i < features.Count; i++)
        {
            size += Feature(features.NameAt(i), features.ValueUtf8At(i).Length);
        }

        return size;
    }

    /// <summary>Upper bound for a 64-bit number: 20 digits / 2 + 1.</summary>
    private const int NumberBytes = 11;

    private static int Utf8Length(string value)
    {
        // ASCII is the common case; count exactly only when something is not.
        foreach (var c in value)
        {
            if (c > 0x7F)
            {
                return System.Text.Encoding.UTF8.GetByteCount(value);
            }
        }

        return value.Length;
    }
}
