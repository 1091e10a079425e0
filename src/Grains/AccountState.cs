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
    /// The load of this account's items while it is still on its way: storage may hand the grain its state before the
    /// items arrive, so that the activation (and the stream handshake waiting on it) does not wait for DynamoDB. The
    /// grain takes the items in through <see cref="IAccountLoadCoverage"/> before it answers a read or hands a change to
    /// storage. Null once taken in (or when storage loaded before activating). Storage-owned.
    /// </summary>
    public Task<AccountState>? Loading { get; set; }

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
    /// Takes in items storage loaded after this state was handed out: the account's whole load when the grain activated
    /// before it (<see cref="Loading"/>), or the namespaces registered since. A namespace an update created meanwhile
    /// and not yet handed to storage merges with its item here, feature by feature, the newer timestamp winning (<see
    /// cref="NamespaceMerge"/>), and is written on that item's version; one already handed to storage keeps its own
    /// snapshot, as its write meets the stored item by version and merges there. <paramref name="sizeOf"/> gives a
    /// snapshot's item size.
    /// </summary>
    public void TakeLateNamespaces(LateNamespaces late, Func<NamespaceFeatures, int> sizeOf, long now)
    {
        ArgumentNullException.ThrowIfNull(late);
        ArgumentNullException.ThrowIfNull(sizeOf);
        foreach (var found in late.Found)
        {
            var local = Find(found.Name);
            if (local is null)
            {
                Add(found);
            }
            else if (!ReferenceEquals(local, found) && local.StoredVersion == 0 && local.PendingSince == 0 && !local.IsQueued)
            {
                // Never handed to storage (it only starts to once the account is covered), so no write of it is in flight.
                local.Current = NamespaceMerge.Merge(local.Current, found.Current, now);
                local.Durable = found.Durable;
                local.StoredVersion = found.StoredVersion;
                local.ItemBytes = sizeOf(local.Current);
                if (local.IsDurable)
                {
                    local.HasUnsavedChange = false; // the updates brought nothing newer than the item: nothing to write
                }
            }
        }

        LoadedOver = late.LoadedOver;
        if (late.IsWholeLoad)
        {
            Loading = null;
        }
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
