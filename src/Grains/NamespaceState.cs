namespace AccountMetadata.Grains;

/// <summary>
/// One namespace of an account: the current snapshot plus the write-behind bookkeeping the storage provider keeps
/// on it. The grain swaps <see cref="Current"/> inside its turn; the flusher reads it from another thread, which is
/// safe because snapshots are immutable. The durability fields are guarded by locking this object (a monitor, so no
/// lock object per namespace in memory), which only the owning grain's storage calls and the flusher ever do.
/// </summary>
public sealed class NamespaceState(NamespaceFeatures current, NamespaceFeatures? durable)
{
    private NamespaceFeatures _current = current;
    private NamespaceFeatures? _mergedByStorage;

    public string Name => Current.Namespace;

    public NamespaceFeatures Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }

    /// <summary>The snapshot storage last confirmed (null: never stored). Equal to <see cref="Current"/> when clean.</summary>
    public NamespaceFeatures? Durable { get; set; } = durable;

    /// <summary>The lowest write sequence not yet durable for this namespace; 0 when clean. Storage-owned.</summary>
    public long PendingSince { get; set; }

    /// <summary>Estimated DynamoDB item size of <see cref="Current"/>, kept so a change can be checked in O(1).</summary>
    public int ItemBytes { get; set; }

    /// <summary>True while the namespace sits in the storage's dirty set. Storage-owned.</summary>
    public bool IsQueued { get; set; }

    /// <summary>Changed since the grain last handed its changes to storage (WriteStateAsync). Grain-owned.</summary>
    public bool HasUnsavedChange { get; set; }

    /// <summary>
    /// The item version this activation last read or wrote (0: no item, or one written before versions existed).
    /// Storage writes only on that version, so an activation that missed a newer write cannot overwrite it.
    /// Storage-owned.
    /// </summary>
    public long StoredVersion { get; set; }

    /// <summary>
    /// Set by storage when a write found a newer item and stored the merge of both: the grain takes it into
    /// <see cref="Current"/> at its next turn (<see cref="AccountState.TakeStorageMerges"/>). Guarded by locking this object.
    /// </summary>
    public NamespaceFeatures? MergedByStorage
    {
        get => Volatile.Read(ref _mergedByStorage);
        set => Volatile.Write(ref _mergedByStorage, value);
    }

    public bool IsDurable => ReferenceEquals(Durable, Current) || (Durable is null && Current.IsDeleted);
}
