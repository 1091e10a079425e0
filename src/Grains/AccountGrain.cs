using AccountMetadata.Runtime;

namespace AccountMetadata.Grains;

/// <summary>
/// One account: its namespaces and features in memory, persisted through write-behind storage. Every read is served
/// from memory; every write replaces a namespace snapshot and marks it dirty, so many updates between two flushes
/// cost one DynamoDB item write.
/// </summary>
public sealed class AccountGrain(IGrainContext context, IPersistentState<AccountState> state, TimeProvider time, NameInterner names, IAccountOwnership ownership)
    : Grain(context), IAccountGrain
{
    private static readonly ValueTask<NamespaceFeatures?> NoNamespace = new((NamespaceFeatures?)null);

    public override bool HasPendingWrites => state.HasPendingWrites;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => state.ReadStateAsync(cancellationToken);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason == DeactivationReason.OwnershipLost)
        {
            // The new owner replays whatever is not durable here (its offsets were never committed); writing it
            // late from this silo could only overwrite the new owner's newer state.
            state.DiscardPendingWrites();
            return Task.CompletedTask;
        }

        return state.WaitForDurabilityAsync(cancellationToken);
    }

    public ValueTask<ApplyResult> ApplyAsync(ReadOnlyMemory<FeatureUpdate> updates)
    {
        var account = state.State;
        account.PruneDurableTombstones();
        var batch = new UpdateBatch(updates.Span);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var applied = 0;
        var ignored = 0;
        var replayed = 0;
        List<RejectedUpdate>? rejected = null;

        for (var first = batch.NextUnprocessed(0); first >= 0; first = batch.NextUnprocessed(first + 1))
        {
            var name = batch[first].Namespace;
            if (!Identifiers.IsValidNamespace(name))
            {
                for (var i = first; i >= 0; i = batch.NextInNamespace(i, name))
                {
                    (rejected ??= []).Add(new RejectedUpdate(i, RejectionReason.InvalidNamespace, $"invalid namespace '{name}'"));
                    batch.MarkProcessed(i);
                }

                continue;
            }

            var (nsApplied, nsIgnored, nsReplayed) = ApplyToNamespace(account, name, ref batch, first, now, ref rejected);
            applied += nsApplied;
            ignored += nsIgnored;
            replayed += nsReplayed;
        }

        batch.Dispose();
        var result = new ApplyResult(applied, ignored, rejected ?? ApplyResult.NoRejections) { Replayed = replayed };
        return account.HasChanges ? WriteThenReturn(result) : new(result);
    }

    public ValueTask<NamespaceFeatures?> GetNamespaceAsync(string namespaceName)
    {
        ReleaseIfNotOwned();
        var ns = state.State.Find(namespaceName);
        if (ns is not null && !ns.Current.IsDeleted)
        {
            return new(ns.Current);
        }

        ReleaseIfEmpty();
        return NoNamespace;
    }

    public ValueTask<IReadOnlyList<NamespaceFeatures>> GetAllAsync()
    {
        ReleaseIfNotOwned();
        var namespaces = state.State.Namespaces;
        var result = new List<NamespaceFeatures>(namespaces.Length);
        foreach (var ns in namespaces)
        {
            if (!ns.Current.IsDeleted)
            {
                result.Add(ns.Current);
            }
        }

        if (result.Count == 0)
        {
            ReleaseIfEmpty();
        }

        return new(result);
    }

    public async ValueTask<bool> DeleteAsync()
    {
        var erased = state.State.MarkAllDeleted(time.GetUtcNow().ToUnixTimeMilliseconds());
        if (erased)
        {
            await state.WriteStateAsync().ConfigureAwait(false);
        }

        return erased;
    }

    public ValueTask<AccountInspection> InspectAsync()
    {
        var namespaces = new List<NamespaceInspection>();
        foreach (var ns in state.State.Namespaces)
        {
            if (!ns.Current.IsDeleted)
            {
                namespaces.Add(new NamespaceInspection(ns.Current, ns.IsDurable));
            }
        }

        return new(new AccountInspection(GetPrimaryKeyString(), namespaces));
    }

    /// <summary>
    /// A read of an account whose writes go to another silo is served (from what storage had at activation), but
    /// the copy leaves right after: it would never see the owner's later writes.
    /// </summary>
    private void ReleaseIfNotOwned()
    {
        if (!ownership.IsOwnedHere(GetPrimaryKeyString()) && !state.HasPendingWrites)
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Lookups of unknown accounts must not fill memory: an activation that holds nothing leaves as soon as the
    /// calls queued behind it have run.
    /// </summary>
    private void ReleaseIfEmpty()
    {
        if (state.State.IsEmpty && !state.HasPendingWrites)
        {
            DeactivateOnIdle();
        }
    }

    private async ValueTask<ApplyResult> WriteThenReturn(ApplyResult result)
    {
        await state.WriteStateAsync().ConfigureAwait(false);
        return result;
    }

    private (int Applied, int Ignored, int Replayed) ApplyToNamespace(
        AccountState account, string name, ref UpdateBatch batch, int first, long now, ref List<RejectedUpdate>? rejected)
    {
        var ns = account.Find(name);
        var current = ns is null || ns.Current.IsDeleted ? NamespaceFeatures.Empty(names.Intern(name)) : ns.Current;
        var size = ns is null || ns.Current.IsDeleted ? DynamoItemSize.Of(GetPrimaryKeyString(), current) : ns.ItemBytes;
        NamespaceFeaturesBuilder? builder = null;
        var applied = 0;
        var ignored = 0;
        var replayed = 0;

        for (var i = first; i >= 0; i = batch.NextInNamespace(i, name))
        {
            batch.MarkProcessed(i);
            var update = batch[i];
            if (Refuse(update) is { } refusal)
            {
                (rejected ??= []).Add(refusal with { Index = i });
                continue;
            }

            var index = builder?.IndexOf(update.Name) ?? current.IndexOf(update.Name);
            int grownSize;
            if (index >= 0)
            {
                var storedTimestamp = builder?.TimestampAt(index) ?? current.TimestampAt(index);
                if (update.Timestamp < storedTimestamp)
                {
                    ignored++;
                    continue;
                }

                if (update.Timestamp == storedTimestamp && (builder?.ValueEquals(index, update.Value) ?? current.ValueEquals(index, update.Value)))
                {
                    applied++; // a replay: already there, nothing to write
                    replayed++;
                    continue;
                }

                var storedBytes = builder?.ValueByteCount(index) ?? current.ValueUtf8At(index).Length;
                grownSize = size - DynamoItemSize.Feature(update.Name, storedBytes) + DynamoItemSize.Feature(update.Name, update.Value);
            }
            else
            {
                grownSize = size + DynamoItemSize.Feature(update.Name, update.Value);
            }

            if (grownSize > DynamoItemSize.MaxItemBytes)
            {
                (rejected ??= []).Add(new RejectedUpdate(i, RejectionReason.ItemSizeLimit,
                    $"namespace '{name}' of this account would grow to {grownSize} bytes, over DynamoDB's 400 KB ({DynamoItemSize.MaxItemBytes} bytes) item limit"));
                continue;
            }

            builder ??= current.ToBuilder();
            if (index >= 0)
            {
                builder.Set(index, update.Value, update.Timestamp);
            }
            else
            {
                // A name seen for the first time in this account: keep the shared copy, not the caller's.
                builder.Add(names.Intern(update.Name), update.Value, update.Timestamp);
            }

            size = grownSize;
            applied++;
        }

        if (builder is not null)
        {
            ns ??= account.Add(new NamespaceState(current, durable: null));
            ns.Current = builder.Build(now);
            ns.ItemBytes = size;
            AccountState.MarkChanged(ns);
        }

        return (applied, ignored, replayed);
    }

    private static RejectedUpdate? Refuse(in FeatureUpdate update)
    {
        if (!Identifiers.IsValidFeatureName(update.Name))
        {
            return new RejectedUpdate(0, RejectionReason.InvalidFeatureName, $"invalid feature name '{update.Name}'");
        }

        if (update.Value.Length > Identifiers.MaxFeatureValueBytes
            || System.Text.Encoding.UTF8.GetByteCount(update.Value) > Identifiers.MaxFeatureValueBytes)
        {
            return new RejectedUpdate(0, RejectionReason.ValueTooLarge,
                $"value of '{update.Name}' is over {Identifiers.MaxFeatureValueBytes} bytes");
        }

        return null;
    }
}
