using System.Diagnostics;
using AccountMetadata.Grains;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// Loads accounts when their grains activate. A cold silo activates accounts by the thousand and each needs its items
/// before its first update applies, so on the cold path loads are the bound. With a namespace catalog, the loads
/// waiting at any moment go out together as consistent BatchGetItem calls of up to 100 keys (every catalogued
/// namespace of 100/N accounts), at most <see cref="DynamoDbOptions.MaxConcurrentBatchLoads"/> in flight: an idle
/// silo's one load goes at once, a partial request waits only behind another in flight (<see cref="MaySend"/>), and
/// a storm fills every request. Without a catalog (or with <see cref="DynamoDbOptions.BatchLoads"/> off) each
/// account is one consistent Query, which also finds items of namespaces the catalog does not know.
/// <para>
/// The trade: on DynamoDB a consistent BatchGetItem costs one read unit per key (per 4 KB, an absent item
/// included), where a Query reads all of an account's small items for one; batching spends read units to save
/// requests and round trips. On DynamoDB Local it loads 1.9-3.7x more accounts per second (<c>Bench load-modes</c>).
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its semaphore is never disposed on purpose: loads in flight when the container is disposed still release it")]
internal sealed class AccountLoader(IAmazonDynamoDB client, DynamoDbOptions options, IAccountNamespaceCatalog? catalog, StorageMetrics metrics, NameInterner interner)
{
    private const int MaxKeysPerRequest = 100; // BatchGetItem's limit
    private const int MaxUnprocessedRounds = 10;

    private readonly Lock _gate = new();
    private readonly Queue<PendingLoad> _waiting = new();
    // Never disposed (it holds nothing to release unless its wait handle is asked for).
    private readonly SemaphoreSlim _queries = new(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
    private int _batchesInFlight;
    private long _lastFailedAt; // Stopwatch timestamps of the latest load request that failed, and that succeeded
    private long _lastSucceededAt;

    /// <summary>Loads waiting for a BatchGetItem call to go (all of them in flight already).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>
    /// Time since the latest load request failed, while none has succeeded since (DynamoDB away or refusing); null
    /// otherwise. With grains activating before their loads, this is what tells that cold accounts are piling up
    /// changes storage cannot take yet.
    /// </summary>
    public TimeSpan? SinceLoadsFailing
    {
        get
        {
            var failed = Volatile.Read(ref _lastFailedAt);
            return failed > Volatile.Read(ref _lastSucceededAt) ? Stopwatch.GetElapsedTime(failed) : null;
        }
    }

    /// <summary>
    /// The account's items as a state (empty when it has none), with <see cref="AccountState.LoadedOver"/> saying
    /// which namespaces were looked at.
    /// </summary>
    public Task<AccountState> LoadAsync(string accountId, CancellationToken cancellationToken)
    {
        var namespaces = options.BatchLoads ? catalog?.Namespaces : null;
        if (namespaces is not { Count: > 0 })
        {
            return QueryAsync(accountId, cancellationToken);
        }

        var load = new PendingLoad(accountId);
        lock (_gate)
        {
            _waiting.Enqueue(load);
        }

        SendWaiting();
        return load.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>True when <paramref name="state"/> was loaded over every namespace the catalog has now.</summary>
    public bool Covers(AccountState state)
    {
        if (state.LoadedOver is not { } loaded || catalog is null)
        {
            return true;
        }

        var known = catalog.Namespaces;
        if (ReferenceEquals(loaded, known))
        {
            return true;
        }

        foreach (var ns in known)
        {
            if (!Contains(loaded, ns))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The items of the catalogued namespaces <paramref name="state"/> was not loaded over.</summary>
    public async Task<LateNamespaces> LoadUncoveredAsync(string accountId, AccountState state, CancellationToken cancellationToken)
    {
        var known = catalog?.Namespaces ?? [];
        var loaded = state.LoadedOver ?? [];
        var missing = known.Where(ns => !Contains(loaded, ns)).ToList();
        var found = new List<NamespaceState>(missing.Count);
        foreach (var item in await GetAsync([accountId], missing, cancellationToken).ConfigureAwait(false))
        {
            found.Add(ToNamespace(accountId, item));
        }

        return new LateNamespaces(known, found);
    }

    private static bool Contains(IReadOnlyList<string> namespaces, string name)
    {
        foreach (var ns in namespaces)
        {
            if (string.Equals(ns, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Starts a batch for what is waiting, as long as a request may go.</summary>
    private void SendWaiting()
    {
        while (true)
        {
            List<PendingLoad> batch;
            IReadOnlyList<string> namespaces;
            lock (_gate)
            {
                namespaces = catalog!.Namespaces;
                var accounts = Math.Max(1, MaxKeysPerRequest / namespaces.Count);
                if (!MaySend(_waiting.Count, accounts, _batchesInFlight, options.MaxConcurrentBatchLoads))
                {
                    return;
                }

                batch = new List<PendingLoad>(Math.Min(accounts, _waiting.Count));
                while (batch.Count < accounts && _waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                _batchesInFlight++;
            }

            _ = LoadBatchAsync(batch, namespaces);
        }
    }

    /// <summary>
    /// Whether <paramref name="waiting"/> loads may start a request now. A full request goes while a slot is free; a
    /// partial one only when nothing is in flight. Loads arrive one by one as their callers free up, so sending
    /// whatever waits whenever a slot is free keeps every slot busy with requests of one or two accounts, and on the
    /// cold path requests, not keys, are the bound (1.6 accounts per request with 8 slots in the cold-reads bench).
    /// Holding a partial request back behind one in flight costs a lonely load at most one more round trip, and
    /// lets the loads that arrive meanwhile share its request.
    /// </summary>
    internal static bool MaySend(int waiting, int accountsPerRequest, int batchesInFlight, int maxBatchesInFlight) =>
        waiting > 0
        && batchesInFlight < maxBatchesInFlight
        && (batchesInFlight == 0 || waiting >= accountsPerRequest);

    private async Task LoadBatchAsync(List<PendingLoad> batch, IReadOnlyList<string> namespaces)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            var accounts = batch.Select(load => load.AccountId).Distinct(StringComparer.Ordinal).ToList();
            var items = (await GetAsync(accounts, namespaces, CancellationToken.None).ConfigureAwait(false))
                .ToLookup(item => item[AccountTable.AccountIdAttribute].S, StringComparer.Ordinal);
            foreach (var load in batch)
            {
                // Each load its own state, even for an account asked twice: states are never shared.
                var state = new AccountState { LoadedOver = namespaces };
                foreach (var item in items[load.AccountId])
                {
                    state.Add(ToNamespace(load.AccountId, item));
                }

                metrics.StateLoads.Increment();
                metrics.LoadEnded(started);
                load.Completion.TrySetResult(state);
            }
        }
        catch (Exception exception)
        {
            // Whoever waits fails and asks again: an activation that loads first (the stream provider redelivers), or
            // a grain taking its items in (the next read or confirmation asks again).
            foreach (var load in batch)
            {
                load.Completion.TrySetException(exception);
            }
        }
        finally
        {
            lock (_gate)
            {
                _batchesInFlight--;
            }

            SendWaiting();
        }
    }

    /// <summary>Every stored item of the given accounts in the given namespaces, in requests of up to 100 keys.</summary>
    private async Task<List<Dictionary<string, AttributeValue>>> GetAsync(
        List<string> accounts, IReadOnlyList<string> namespaces, CancellationToken cancellationToken)
    {
        try
        {
            var found = await BatchGetAsync(accounts, namespaces, cancellationToken).ConfigureAwait(false);
            Succeeded();
            return found;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed();
            throw;
        }
    }

    private void Succeeded() => Volatile.Write(ref _lastSucceededAt, Stopwatch.GetTimestamp());

    private void Failed()
    {
        metrics.FailedLoads.Increment();
        Volatile.Write(ref _lastFailedAt, Stopwatch.GetTimestamp());
    }

    private async Task<List<Dictionary<string, AttributeValue>>> BatchGetAsync(
        List<string> accounts, IReadOnlyList<string> namespaces, CancellationToken cancellationToken)
    {
        var found = new List<Dictionary<string, AttributeValue>>();
        var keys = new List<Dictionary<string, AttributeValue>>(accounts.Count * namespaces.Count);
        foreach (var account in accounts)
        {
            foreach (var ns in namespaces)
            {
                keys.Add(AccountItemCodec.Key(account, ns));
            }
        }

        foreach (var chunk in keys.Chunk(MaxKeysPerRequest))
        {
            List<Dictionary<string, AttributeValue>> asking = [.. chunk];
            for (var round = 1; asking.Count > 0; round++)
            {
                metrics.LoadRequests.Increment();
                var response = await client.BatchGetItemAsync(
                    new BatchGetItemRequest { RequestItems = new() { [options.TableName] = new KeysAndAttributes { Keys = asking, ConsistentRead = true } } },
                    cancellationToken).ConfigureAwait(false);
                var got = response.Responses is { } responses && responses.TryGetValue(options.TableName, out var items) ? items : [];
                found.AddRange(got);
                asking = response.UnprocessedKeys is { } left && left.TryGetValue(options.TableName, out var again) ? again.Keys : [];
                if (asking.Count > 0 && got.Count == 0)
                {
                    // Nothing came back at all: throttled. Back off as AWS asks, up to a point, then fail the loads.
                    if (round >= MaxUnprocessedRounds)
                    {
                        throw new ProvisionedThroughputExceededException($"BatchGetItem left {asking.Count} keys unprocessed {round} times in a row");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1_000, 25 << round) * (0.5 + (Random.Shared.NextDouble() / 2))), cancellationToken)
                        .ConfigureAwait(false);
                }
            }
        }

        return found;
    }

    /// <summary>Every item of the account, whatever its namespace: one consistent Query.</summary>
    private async Task<AccountState> QueryAsync(string accountId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var request = new QueryRequest
        {
            TableName = options.TableName,
            ConsistentRead = true,
            KeyConditionExpression = "account_id = :id",
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = accountId } },
        };
        var state = new AccountState();
        await _queries.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            do
            {
                metrics.LoadRequests.Increment();
                var response = await client.QueryAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var item in response.Items ?? [])
                {
                    state.Add(ToNamespace(accountId, item));
                }

                request.ExclusiveStartKey = response.LastEvaluatedKey;
            }
            while (request.ExclusiveStartKey is { Count: > 0 });
            Succeeded();
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed();
            throw;
        }
        finally
        {
            _queries.Release();
        }

        metrics.StateLoads.Increment();
        metrics.LoadEnded(started);
        return state;
    }

    private NamespaceState ToNamespace(string accountId, Dictionary<string, AttributeValue> item)
    {
        var features = AccountItemCodec.FromItem(item, interner);
        return new NamespaceState(features, features)
        {
            ItemBytes = DynamoItemSize.Of(accountId, features),
            StoredVersion = AccountItemCodec.VersionOf(item),
        };
    }

    private sealed class PendingLoad(string accountId)
    {
        public string AccountId { get; } = accountId;

        public TaskCompletionSource<AccountState> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
