namespace AccountMetadata.Grains;

/// <summary>
/// The syntax of account ids, namespaces and feature names, checked at every entrance (HTTP, Kafka) and again by the
/// grain. ASCII only and short, because they become DynamoDB keys and attribute names and repeat in every item.
/// </summary>
public static class Identifiers
{
    public const int MaxAccountIdLength = 128;
    public const int MaxNamespaceLength = 64;
    public const int MaxFeatureNameLength = 128;

    /// <summary>Feature values are strings; a single one larger than this is refused outright.</summary>
    public const int MaxFeatureValueBytes = 64 * 1024;

    /// <summary>1-128 of <c>A-Z a-z 0-9 - _ . : @</c>: covers UUIDs, numeric ids and prefixed ids.</summary>
    public static bool IsValidAccountId(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxAccountIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>1-64 of <c>a-z 0-9 - _</c>, starting with a letter: namespaces are a short, fixed vocabulary.</summary>
    public static bool IsValidNamespace(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxNamespaceLength || !char.IsAsciiLetterLower(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// 1-128 of <c>A-Z a-z 0-9 - _ .</c>, starting with a letter (names starting with '_' are the storage's own
    /// bookkeeping attributes), and not one of the item's key attributes.
    /// </summary>
    public static bool IsValidFeatureName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxFeatureNameLength || !char.IsAsciiLetter(name[0])
            || name.SequenceEqual("account_id") || name.SequenceEqual("namespace"))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
