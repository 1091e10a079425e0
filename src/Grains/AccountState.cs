namespace AccountMetadata.Grains;

/// <summary>
/// The persistent state of an account grain: its namespaces. Accounts have a handful, so a small array beats a
/// dictionary in both memory and speed. Each namespace also records whether it changed since the last
/// <c>WriteStateAsync</c>, which is what the write-behind storage picks up.
/// </summary>
public sealed class AccountState
{
    private NamespaceState[] _namespaces = [];

    public ReadOnlySpan<NamespaceState> Namespaces => _namespaces;

    /// <summary>
    /// The namespaces storage loaded this account over (their items, or the knowledge that there are none), shared by
    /// every account loaded at the same time; null when it loaded every item the account has (a Query).
    /// </summary>
    public IReadOnlyList<string>? LoadedOver { get; set; }

    /// <summary>
    /// The write-behind storage's sequence number of the last change it took from this account (0: none yet); the
    /// account is durable once storage's watermark reaches it. Storage-owned.
    /// </summary>
    public long LastWriteSequence { get; set; }

    /// <summary>True when some namespace changed since <see cref="ClearChanged"/> last ran.</summary>
    public bool HasChanges
    {
        get
        {
            foreach (var ns in _namespaces)
            {
                if (ns.HasUnsavedChange)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public bool IsEmpty
    {
        get
        {
            foreach (var ns in _namespaces)
            {
                if (!ns.Current.IsDeleted)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public NamespaceState? Find(string name)
    {
        foreach (var ns in _namespaces)
        {
            if (ReferenceEquals(ns.Name, name) || string.Equals(ns.Name, name, StringComparison.Ordinal))
            {
                return ns;
            }
        }

        return null;
    }

    /// <summary>Adds a namespace loaded from storage or created by an update.</summary>
    public NamespaceState Add(NamespaceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var grown = new NamespaceState[_namespaces.Length + 1];
        _namespaces.CopyTo(grown, 0);
        grown[^1] = state;
        _namespaces = grown;
        return state;
    }

    /// <summary>
    /// Takes in the items of namespaces registered after this account was loaded. A namespace an update created
    /// meanwhile keeps its own snapshot: its first write meets the stored item by version and merges with it.
    /// </summary>
    public void TakeLateNamespaces(LateNamespaces late)
    {
        ArgumentNullException.ThrowIfNull(late);
        foreach (var found in late.Found)
        {
            if (Find(found.Name) is null)
            {
                Add(found);
            }
        }

        LoadedOver = late.LoadedOver;
    }

    /// <summary>
    /// Erases the account: every live namespace becomes a tombstone (storage deletes its item on the next flush).
    /// False when there was nothing to erase.
    /// </summary>
    public bool MarkAllDeleted(long deletedAt)
    {
        var erased = false;
        foreach (var ns in _namespaces)
        {
            if (!ns.Current.IsDeleted)
            {
                ns.Current = NamespaceFeatures.Tombstone(ns.Name, deletedAt);
                ns.ItemBytes = 0;
                MarkChanged(ns);
                erased = true;
            }
        }

        return erased;
    }

    /// <summary>Records that <paramref name="state"/> has a new snapshot to persist.</summary>
    public static void MarkChanged(NamespaceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.HasUnsavedChange = true;
    }

    /// <summary>Storage has taken the changed namespaces; forget that they changed.</summary>
    public void ClearChanged()
    {
        foreach (var ns in _namespaces)
        {
            ns.HasUnsavedChange = false;
        }
    }

    /// <summary>True when storage merged a newer item into some namespace that the grain has not taken in yet.</summary>
    public bool HasStorageMerges
    {
        get
        {
            foreach (var ns in _namespaces)
            {
                if (ns.MergedByStorage is not null)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Takes in what storage merged from newer items another activation of this account wrote (rare: only while
    /// Orleans' membership settles can two activations of one account exist). Runs in the grain's turn, which is the
    /// only place <see cref="NamespaceState.Current"/> changes. <paramref name="sizeOf"/> gives a snapshot's item size.
    /// </summary>
    public void TakeStorageMerges(Func<NamespaceFeatures, int> sizeOf, long now)
    {
        ArgumentNullException.ThrowIfNull(sizeOf);
        foreach (var ns in _namespaces)
        {
            if (ns.MergedByStorage is null)
            {
                continue;
            }

            lock (ns)
            {
                // Under the lock storage reads Current and the pending merge with: it sees one or the other.
                if (ns.MergedByStorage is { } merged && !ns.Current.IsDeleted)
                {
                    ns.Current = NamespaceMerge.Merge(ns.Current, merged, now);
                    ns.ItemBytes = sizeOf(ns.Current);
                }

                ns.MergedByStorage = null;
            }
        }
    }

    /// <summary>Drops tombstones that storage has made durable: the item is gone, nothing more to remember.</summary>
    public void PruneDurableTombstones()
    {
        var keep = 0;
        foreach (var ns in _namespaces)
        {
            if (!(ns.Current.IsDeleted && ns.IsDurable && ns.PendingSince == 0))
            {
                keep++;
            }
        }

        if (keep == _namespaces.Length)
        {
            return;
        }

        var kept = new NamespaceState[keep];
        var next = 0;
        foreach (var ns in _namespaces)
        {
            if (!(ns.Current.IsDeleted && ns.IsDurable && ns.PendingSince == 0))
            {
                kept[next++] = ns;
            }
        }

        _namespaces = kept;
    }
}
