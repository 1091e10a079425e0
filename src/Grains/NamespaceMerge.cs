namespace AccountMetadata.Grains;

/// <summary>
/// Merges two versions of one namespace feature by feature, the newer timestamp winning: how a write that found a
/// newer item in DynamoDB (another activation of the account wrote it) combines the two without losing either's
/// newer features. On equal timestamps the stored value wins, so two activations converge on one answer.
/// </summary>
public static class NamespaceMerge
{
    /// <summary>
    /// <paramref name="stored"/> itself when <paramref name="local"/> has nothing newer (the common case: nothing to
    /// write back), otherwise a new snapshot holding the newest value of every feature of either.
    /// </summary>
    public static NamespaceFeatures Merge(NamespaceFeatures local, NamespaceFeatures stored, long updatedAt)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(stored);
        if (local.IsDeleted || !HasNewer(local, stored))
        {
            return stored;
        }

        var builder = stored.ToBuilder();
        for (var i = 0; i < local.Count; i++)
        {
            var name = local.NameAt(i);
            var index = builder.IndexOf(name);
            if (index < 0)
            {
                builder.Add(name, local.ValueAt(i), local.TimestampAt(i));
            }
            else if (local.TimestampAt(i) > builder.TimestampAt(index))
            {
                builder.Set(index, local.ValueAt(i), local.TimestampAt(i));
            }
        }

        return builder.Build(Math.Max(updatedAt, Math.Max(local.UpdatedAt, stored.UpdatedAt)));
    }

    private static bool HasNewer(NamespaceFeatures local, NamespaceFeatures stored)
    {
        for (var i = 0; i < local.Count; i++)
        {
            var index = stored.IndexOf(local.NameAt(i));
            if (index < 0 || local.TimestampAt(i) > stored.TimestampAt(index))
            {
                return true;
            }
        }

        return false;
    }
}
