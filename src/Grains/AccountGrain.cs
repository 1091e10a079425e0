using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace AccountMetadata.Grains;

/// <summary>
/// One account: its namespaces and features in memory, persisted through write-behind storage. Every read is served
/// from memory; every write replaces a namespace snapshot and marks it dirty, so many updates between two flushes
/// cost one DynamoDB item write.
/// <para>
/// Updates arrive on the account's stream (<see cref="AccountStreams"/>, subscribed implicitly): a delivery returns
/// once applied, and <see cref="ConfirmDeliveriesAsync"/> answers the stream provider once it is durable (or, with
/// <see cref="AccountDeliveryOptions.AcknowledgeBeforeDurable"/> off, the delivery itself returns only then): that is
/// what lets the provider commit the Kafka offsets behind it, wherever this grain lives. Reads never wait for it: the grain is reentrant
/// (as every interface method interleaves, see <see cref="IAccountGrain"/>), because state changes are synchronous
/// and the only awaits are storage's and the dead-letter topic's. Deliveries from several partitions (a producer
/// that spread one account over them) interleave the same way and share item writes.
/// </para>
/// <para>
/// Storage may hand the grain its state before the account's items arrive (<see cref="IAccountLoadCoverage"/>), so
/// that the activation, and the stream handshake waiting on it, does not wait for DynamoDB: deliveries apply
/// meanwhile, and whatever answers from the stored items or promises durability waits for them first
/// (<see cref="EnsureCoveredAsync"/>).
/// </para>
/// </summary>
[ImplicitStreamSubscription(AccountStreams.Namespace)]
[Reentrant]
public sealed class AccountGrain(
    [PersistentState(AccountGrain.StateName, AccountGrain.StorageName)] IPersistentState<AccountState> state,
    [FromKeyedServices(AccountGrain.StorageName)] IWriteBehindDurability durability,
    [FromKeyedServices(AccountGrain.StorageName)] IAccountLoadCoverage coverage,
    IRejectedUpdates rejectedUpdates,
    AccountDeliveryMetrics metrics,
    AccountDeliveryOptions deliveryOptions,
    TimeProvider time,
    NameInterner names) : Grain, IAccountGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<AccountStreamEvent>
{
    /// <summary>The grain storage provider the account state is registered with.</summary>
    public const string StorageName = "accounts";

    public const string StateName = "account";

    private static readonly ValueTask<NamespaceFeatures?> NoNamespace = new((NamespaceFeatures?)null);

    /// <summary>Names this activation: a durability promise holds only for the activation that accepted the updates.</summary>
    private readonly Guid _activation = Guid.NewGuid();

    /// <summary>
    /// Stream deliveries this activation applied and the provider has not confirmed yet, by where they start: a
    /// confirmation is true only here, so one that reaches another activation (this one's silo died before its
    /// flush) answers false and the provider delivers again.
    /// </summary>
    private HashSet<RecordOrigin>? _unconfirmed;

    /// <summary>
    /// Taking in the items this state does not hold yet (storage handed it out before its load arrived, or a namespace
    /// was registered since), then handing storage what was applied meanwhile: one such task at a time, which every
    /// read, erase and durability wait joins.
    /// </summary>
    private Task? _covering;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Another activation of this account (here or on another silo) loads from DynamoDB: it must find everything
        // this one accepted. Storage flushes on its own schedule; this only waits for it, bounded by Orleans'
        // deactivation timeout. Past it, the namespaces stay in storage's dirty set and are still written.
        if (cancellationToken.IsCancellationRequested)
        {
            // A silo stop out of time: Orleans still deactivates the activations it had not reached, after the runtime
            // invalidated them (their state throws when touched). Storage keeps their dirty namespaces; what it cannot
            // write in time was never acknowledged, so its source delivers it again.
            return;
        }

        try
        {
            await WhenChangesDurableAsync(flushNow: true, cancellationToken).ConfigureAwait(true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public Task<ApplyResult> ApplyAsync(Immutable<FeatureUpdate[]> updates) =>
        coverage.Covers(state.State) ? PersistThenReturn(Apply(updates.Value)) : ApplyOnceCoveredAsync(updates);

    /// <summary>A direct apply answers what it changed against the stored items, so it waits for them.</summary>
    private async Task<ApplyResult> ApplyOnceCoveredAsync(Immutable<FeatureUpdate[]> updates)
    {
        await EnsureCoveredAsync().ConfigureAwait(true);
        return await ApplyAsync(updates).ConfigureAwait(true);
    }

    /// <summary>Orleans found a delivery for this account's implicit subscription: take it, and the ones after it.</summary>
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        return handleFactory.Create<AccountStreamEvent>().ResumeAsync(this);
    }

    /// <summary>
    /// One delivery: every event applied in order (consecutive updates as one batch, erases between them), refused
    /// updates set aside on the dead-letter topic. By default it returns then, and <see cref="ConfirmDeliveriesAsync"/>
    /// tells the provider when it is durable; with <see cref="AccountDeliveryOptions.AcknowledgeBeforeDurable"/> off it
    /// waits for durability itself. Throwing (storage unreachable while loading, the dead-letter topic unreachable)
    /// makes the provider deliver it again.
    /// </summary>
    public async Task OnNextAsync(IList<SequentialItem<AccountStreamEvent>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var events = new AccountStreamEvent[items.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = items[i].Item;
        }

        metrics.Deliveries.Increment();
        if (deliveryOptions.AcknowledgeBeforeDurable && events.Length > 0)
        {
            (_unconfirmed ??= []).Add(events[0].Origin);
        }

        await ApplyEventsAsync(events).ConfigureAwait(true);
        if (!deliveryOptions.AcknowledgeBeforeDurable)
        {
            await WhenChangesDurableAsync(flushNow: false, CancellationToken.None).ConfigureAwait(true);
        }
    }

    public async Task<Immutable<RecordOrigin[]>> ConfirmDeliveriesAsync(Immutable<RecordOrigin[]> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries.Value);
        List<RecordOrigin>? notHere = null;
        foreach (var delivery in deliveries.Value)
        {
            if (_unconfirmed?.Contains(delivery) != true)
            {
                (notHere ??= []).Add(delivery); // another activation applied it: what it applied may not be stored
            }
        }

        await WhenChangesDurableAsync(flushNow: false, CancellationToken.None).ConfigureAwait(true);

        // Forgotten only once durable: a confirmation that outlived its caller's response timeout (DynamoDB slow) is
        // asked again, and must still find here what this activation applied, or it would be redelivered for nothing.
        foreach (var delivery in deliveries.Value)
        {
            _unconfirmed?.Remove(delivery);
        }

        return new(notHere is null ? [] : [.. notHere]);
    }

    public async Task RedeliverAsync(Immutable<AccountStreamEvent[]> events)
    {
        metrics.Redeliveries.Increment();
        await ApplyEventsAsync(events.Value).ConfigureAwait(true);
        await WhenChangesDurableAsync(flushNow: false, CancellationToken.None).ConfigureAwait(true);
    }

    /// <summary>
    /// Completes when every change applied so far is durable: once the account's items are taken in and the changes
    /// handed to storage (<see cref="EnsureCoveredAsync"/>), when storage has written them.
    /// </summary>
    private async Task WhenChangesDurableAsync(bool flushNow, CancellationToken cancellationToken)
    {
        await EnsureCoveredAsync().WaitAsync(cancellationToken).ConfigureAwait(true);
        if (durability.HasPendingWrites(state.State))
        {
            await durability.WhenDurableAsync(state.State, flushNow, cancellationToken).ConfigureAwait(true);
        }
    }

    /// <summary>Applies stream events in order, hands the changes to storage and sets refused updates aside.</summary>
    private async Task ApplyEventsAsync(AccountStreamEvent[] events)
    {
        if (!coverage.Covers(state.State) && Array.Exists(events, e => e is AccountEraseRequested))
        {
            // Before the loop, not inside it: the events then apply in one turn, as always.
            await EnsureCoveredAsync().ConfigureAwait(true);
        }

        List<Task>? settingAside = null;
        for (var next = 0; next < events.Length;)
        {
            if (events[next] is AccountEraseRequested)
            {
                TakeStorageMerges().MarkAllDeleted(time.GetUtcNow().ToUnixTimeMilliseconds());
                metrics.Erased.Increment();
                next++;
                continue;
            }

            var (updates, origins) = UpdatesFrom(events, ref next);
            var result = Apply(updates);
            metrics.Applied.Add(result.Applied);
            metrics.IgnoredAsOlder.Add(result.IgnoredAsOlder);
            metrics.Replayed.Add(result.Replayed);
            foreach (var rejected in result.Rejected)
            {
                metrics.Rejected.Increment();
                (settingAside ??= []).Add(rejectedUpdates.SetAsideAsync(this.GetPrimaryKeyString(), updates[rejected.Index], origins[rejected.Index], rejected));
            }
        }

        metrics.DeliveryApplied(time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!coverage.Covers(state.State))
        {
            // The delivery returns without waiting for the account's items (the stream's partition reads on meanwhile);
            // the changes go to storage once they are taken in, and nothing is confirmed durable before that.
            EnsureCoveredAsync().Ignore();
        }
        else if (state.State.HasChanges)
        {
            await state.WriteStateAsync().ConfigureAwait(true);
        }

        if (settingAside is not null)
        {
            await Task.WhenAll(settingAside).ConfigureAwait(true);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    /// <summary>The run of update events starting at <paramref name="next"/>, as one array (no copy for a run of one).</summary>
    private static (FeatureUpdate[] Updates, RecordOrigin[] Origins) UpdatesFrom(AccountStreamEvent[] events, ref int next)
    {
        var first = (FeaturesPublished)events[next];
        var end = next + 1;
        var count = first.Updates.Length;
        while (end < events.Length && events[end] is FeaturesPublished more)
        {
            count += more.Updates.Length;
            end++;
        }

        if (end == next + 1)
        {
            next = end;
            return (first.Updates, first.Origins);
        }

        var updates = new FeatureUpdate[count];
        var origins = new RecordOrigin[count];
        var at = 0;
        for (; next < end; next++)
        {
            var run = (FeaturesPublished)events[next];
            run.Updates.CopyTo(updates, at);
            run.Origins.CopyTo(origins, at);
            at += run.Updates.Length;
        }

        return (updates, origins);
    }

    /// <summary>Applies a batch in memory (synchronously: no interleaved call sees half of it); storage is the caller's.</summary>
    private ApplyResult Apply(FeatureUpdate[] updates)
    {
        var account = TakeStorageMerges();
        account.PruneDurableTombstones();
        var batch = new UpdateBatch(updates);
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
        return new ApplyResult(applied, ignored, rejected?.ToArray() ?? ApplyResult.NoRejections) { Replayed = replayed, Activation = _activation };
    }

    public ValueTask<NamespaceFeatures?> GetNamespaceAsync(string namespaceName)
    {
        if (!coverage.Covers(state.State))
        {
            return GetNamespaceOnceCoveredAsync(namespaceName);
        }

        var ns = TakeStorageMerges().Find(namespaceName);
        if (ns is not null && !ns.Current.IsDeleted)
        {
            return new(ns.Current);
        }

        ReleaseIfEmpty();
        return NoNamespace;
    }

    private async ValueTask<NamespaceFeatures?> GetNamespaceOnceCoveredAsync(string namespaceName)
    {
        await EnsureCoveredAsync().ConfigureAwait(true);
        return await GetNamespaceAsync(namespaceName).ConfigureAwait(true);
    }

    public ValueTask<Immutable<NamespaceFeatures[]>> GetAllAsync()
    {
        if (!coverage.Covers(state.State))
        {
            return GetAllOnceCoveredAsync();
        }

        var namespaces = TakeStorageMerges().Namespaces;
        var live = 0;
        foreach (var ns in namespaces)
        {
            live += ns.Current.IsDeleted ? 0 : 1;
        }

        if (live == 0)
        {
            ReleaseIfEmpty();
            return new(new Immutable<NamespaceFeatures[]>([]));
        }

        var result = new NamespaceFeatures[live];
        var next = 0;
        foreach (var ns in namespaces)
        {
            if (!ns.Current.IsDeleted)
            {
                result[next++] = ns.Current;
            }
        }

        return new(new Immutable<NamespaceFeatures[]>(result));
    }

    private async ValueTask<Immutable<NamespaceFeatures[]>> GetAllOnceCoveredAsync()
    {
        await EnsureCoveredAsync().ConfigureAwait(true);
        return await GetAllAsync().ConfigureAwait(true);
    }

    public Task<EraseResult> DeleteAsync()
    {
        if (!coverage.Covers(state.State))
        {
            return DeleteOnceCoveredAsync();
        }

        var erased = TakeStorageMerges().MarkAllDeleted(time.GetUtcNow().ToUnixTimeMilliseconds());
        return PersistThenReturn(new EraseResult(erased, _activation));
    }

    private async Task<EraseResult> DeleteOnceCoveredAsync()
    {
        await EnsureCoveredAsync().ConfigureAwait(true);
        return await DeleteAsync().ConfigureAwait(true);
    }

    /// <summary>
    /// Completes once the state holds the items of every namespace storage knows (see <see cref="IAccountLoadCoverage"/>)
    /// and what was applied before they arrived is handed to storage. Callers that arrive meanwhile join the same task.
    /// </summary>
    private Task EnsureCoveredAsync()
    {
        if (coverage.Covers(state.State))
        {
            return Task.CompletedTask;
        }

        if (_covering is not { IsCompleted: false })
        {
            _covering = CoverAsync(); // a failed one (DynamoDB away) is tried again by the next caller
        }

        return _covering;
    }

    private async Task CoverAsync()
    {
        var accountId = this.GetPrimaryKeyString();
        do
        {
            var late = await coverage.LoadUncoveredAsync(accountId, state.State, CancellationToken.None).ConfigureAwait(true);
            state.State.TakeLateNamespaces(late, snapshot => DynamoItemSize.Of(accountId, snapshot), time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        while (!coverage.Covers(state.State)); // a namespace registered while this loaded

        if (state.State.HasChanges)
        {
            await state.WriteStateAsync().ConfigureAwait(true);
        }
    }

    public ValueTask<AccountInspection> InspectAsync() =>
        coverage.Covers(state.State) ? new(Inspect()) : InspectOnceCoveredAsync();

    private async ValueTask<AccountInspection> InspectOnceCoveredAsync()
    {
        await EnsureCoveredAsync().ConfigureAwait(true);
        return Inspect();
    }

    private AccountInspection Inspect()
    {
        var namespaces = new List<NamespaceInspection>();
        foreach (var ns in TakeStorageMerges().Namespaces)
        {
            if (!ns.Current.IsDeleted)
            {
                namespaces.Add(new NamespaceInspection(ns.Current, ns.IsDurable));
            }
        }

        return new AccountInspection(this.GetPrimaryKeyString(), [.. namespaces]);
    }

    /// <summary>
    /// The account state, with whatever storage merged in from a newer item another activation of this account wrote
    /// (see <see cref="AccountState.TakeStorageMerges"/>): one volatile read per namespace when there is none.
    /// </summary>
    private AccountState TakeStorageMerges()
    {
        var account = state.State;
        if (account.HasStorageMerges)
        {
            account.TakeStorageMerges(
                snapshot => DynamoItemSize.Of(this.GetPrimaryKeyString(), snapshot), time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        return account;
    }

    /// <summary>
    /// Lookups of unknown accounts must not fill memory: an activation that holds nothing leaves once idle. Orleans
    /// sends a call that reaches it meanwhile to a new activation, and one it cannot place is refused: its caller
    /// tries again. That caller may be the stream's handshake of a new account's first delivery, which holds its
    /// partition until it succeeds (the Kafka provider retries it within a fifth of a second, see its
    /// README); so nothing should poll an unknown account fast (<c>FreshnessSampler</c> backs off).
    /// </summary>
    private void ReleaseIfEmpty()
    {
        if (state.State.IsEmpty && !durability.HasPendingWrites(state.State))
        {
            DeactivateOnIdle();
        }
    }

    public async Task<bool> WhenDurableAsync(Guid activation)
    {
        if (activation != _activation)
        {
            return false; // another activation accepted those updates; only a new apply here can be promised
        }

        await WhenChangesDurableAsync(flushNow: false, CancellationToken.None).ConfigureAwait(true);
        return true;
    }

    /// <summary>Hands the changes (if any) to storage: write-behind, so this returns as soon as they are taken.</summary>
    private Task<T> PersistThenReturn<T>(T result)
    {
        if (!state.State.HasChanges)
        {
            return Task.FromResult(result);
        }

        return WriteThenReturn(result);

        async Task<T> WriteThenReturn(T value)
        {
            await state.WriteStateAsync().ConfigureAwait(true);
            return value;
        }
    }

    private (int Applied, int Ignored, int Replayed) ApplyToNamespace(
        AccountState account, string name, ref UpdateBatch batch, int first, long now, ref List<RejectedUpdate>? rejected)
    {
        var ns = account.Find(name);
        var current = ns is null || ns.Current.IsDeleted ? NamespaceFeatures.Empty(names.Intern(name)) : ns.Current;
        var size = ns is null || ns.Current.IsDeleted ? DynamoItemSize.Of(this.GetPrimaryKeyString(), current) : ns.ItemBytes;
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
