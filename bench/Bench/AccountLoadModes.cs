using System.Diagnostics;
using System.Globalization;
using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Testing;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Bench;

/// <summary>
/// What a cold account load costs on the stack's DynamoDB Local, by the two ways of loading it: one consistent Query
/// per account (every namespace it has), and consistent BatchGetItem calls of 100 keys over the namespaces a registry
/// knows (25 accounts x 4 namespaces per call), each with the storage's default concurrency; accounts loaded per second.
/// </summary>
internal static class AccountLoadModes
{
    private static readonly string[] Namespaces = ["orders", "rewards", "preferences", "segments"];

    private const int QueriesInFlight = 64; // DynamoDbOptions.MaxConcurrentRequests
    private const int BatchesInFlight = 8; // DynamoDbOptions.MaxConcurrentBatchLoads

    public static async Task<Dictionary<string, double>> RunAsync(int accounts)
    {
        using var client = DynamoDbClientFactory.Create(StackEndpoints.Current.DynamoDbOptions("unused"));
        var table = $"bench-{DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture)}-loads";
        await AccountTable.CreateIfMissingAsync(client, table, CancellationToken.None);
        await FillAsync(client, table, accounts);
        var ids = Enumerable.Range(0, accounts).Select(Id).ToArray();

        // Three rounds, the modes alternating so that DynamoDB Local's warm-up and the machine's drifts hit both
        // alike; the medians are reported.
        var rates = new Dictionary<string, List<double>>(StringComparer.Ordinal) { ["query"] = [], ["batch_get"] = [] };
        for (var round = 0; round < 3; round++)
        {
            rates["query"].Add(await RateAsync(() => QueryAllAsync(client, table, ids), accounts));
            rates["batch_get"].Add(await RateAsync(() => BatchGetAllAsync(client, table, ids), accounts));
            Console.WriteLine($"load-modes, round {round + 1}: Query per account {rates["query"][^1]:N0} accounts/s, BatchGetItem of 100 keys {rates["batch_get"][^1]:N0} accounts/s");
        }

        var results = rates.ToDictionary(r => r.Key, r => r.Value.Order().ElementAt(1), StringComparer.Ordinal);
        results["batch_get_vs_query"] = results["batch_get"] / results["query"];
        Console.WriteLine($"load-modes: BatchGetItem = {results["batch_get_vs_query"]:0.00}x Query per account (medians of 3)");
        return results;
    }

    private static async Task<double> RateAsync(Func<Task<int>> loadAll, int accounts)
    {
        var clock = Stopwatch.StartNew();
        var items = await loadAll();
        return items == accounts * Namespaces.Length ? accounts / clock.Elapsed.TotalSeconds : throw new InvalidOperationException($"loaded {items} items");
    }

    private static Task<int> QueryAllAsync(IAmazonDynamoDB client, string table, string[] ids) =>
        ForEachAsync(ids, QueriesInFlight, async id =>
        {
            var response = await client.QueryAsync(new QueryRequest
            {
                TableName = table,
                ConsistentRead = true,
                KeyConditionExpression = "account_id = :id",
                ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = id } },
            });
            return response.Items.Count;
        });

    private static Task<int> BatchGetAllAsync(IAmazonDynamoDB client, string table, string[] ids) =>
        ForEachAsync(ids.Chunk(100 / Namespaces.Length), BatchesInFlight, async chunk =>
        {
            var keys = chunk.SelectMany(id => Namespaces.Select(ns => AccountItemCodec.Key(id, ns))).ToList();
            var count = 0;
            while (keys.Count > 0)
            {
                var response = await client.BatchGetItemAsync(new BatchGetItemRequest
                {
                    RequestItems = new() { [table] = new KeysAndAttributes { Keys = keys, ConsistentRead = true } },
                });
                count += response.Responses.TryGetValue(table, out var got) ? got.Count : 0;
                keys = response.UnprocessedKeys is { } left && left.TryGetValue(table, out var again) ? again.Keys : [];
            }

            return count;
        });

    private static string Id(int i) => $"account-{i:D7}";

    private static Task<int> FillAsync(IAmazonDynamoDB client, string table, int accounts)
    {
        var items = Enumerable.Range(0, accounts).SelectMany(i => Namespaces.Select(ns =>
        {
            var builder = NamespaceFeatures.Empty(ns).ToBuilder();
            for (var f = 0; f < 5; f++)
            {
                builder.Add($"feature_{f}", (i + f).ToString(CultureInfo.InvariantCulture), 1);
            }

            return AccountItemCodec.ToItem(Id(i), builder.Build(1));
        }));
        return ForEachAsync(items.Chunk(25), 8, async chunk =>
        {
            var requests = chunk.Select(i => new WriteRequest(new PutRequest(i))).ToList();
            while (requests.Count > 0)
            {
                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [table] = requests } });
                requests = response.UnprocessedItems is { } left && left.TryGetValue(table, out var again) ? again : [];
            }

            return 0;
        });
    }

    private static async Task<int> ForEachAsync<T>(IEnumerable<T> work, int inFlight, Func<T, Task<int>> action)
    {
        using var gate = new SemaphoreSlim(inFlight);
        var counts = await Task.WhenAll(work.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                return await action(item);
            }
            finally
            {
                gate.Release();
            }
        }));
        return counts.Sum();
    }
}
