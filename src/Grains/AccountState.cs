namespace AccountMetadata.Grains;

/// <summary>
/// The persistent state of an account grain: its namespaces. Accounts have a handful, so a small array beats a
/// dictionary in both memory and speed. It also records which namespaces changed since the last
/// <c>WriteStateAsync</c>, which is what the write-behind storage picks up.
/// </summary>
public sealed class AccountState
{
    private NamespaceState[] _namespaces = [];
    private NamespaceState[]? _changed;
    private int _changedCount;

    public ReadOnlySpan<NamespaceState> Namespaces => _namespaces;

    /// <summary>Namespaces changed since <see cref="ClearChanged"/> last ran.</summary>
    public ReadOnlySpan<NamespaceState> Changed => _changed.AsSpan(0, _changedCount);

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

    /// <summary>Records that <paramref name="state"/> has a new snapshot to persist.</summary>
    public void MarkChanged(NamespaceState state)
    {
        foreach (var changed in Changed)
        {
            if (ReferenceEquals(changed, state))
            {
                return;
            }
        }

        _changed ??= new NamespaceState[Math.Max(4, _namespaces.Length)];
        if (_changedCount == _changed.Length)
        {
            Array.Resize(ref _changed, _changedCount * 2);
        }

        _changed[_changedCount++] = state;
    }

    /// <summary>Storage has taken the changed namespaces (see <see cref="Changed"/>); forget them here.</summary>
    public void ClearChanged()
    {
        Array.Clear(_changed ?? [], 0, _changedCount);
        _changedCount = 0;
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
