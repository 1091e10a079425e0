using System.Diagnostics;
using System.Globalization;
using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Testing;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Bench;

/// <summary>
/// What guarding every item write with a version condition costs, on the stack's DynamoDB Local: the same account
/// items (20 features each) written as unconditional BatchWriteItem calls of 25 (what write-behind did before), as
/// conditional PutItem calls with many in flight, and as conditional TransactWriteItems of 25 and 100. Each mode
/// writes every item twice (a create, then an update on the version it created), so the conditions really check.
/// </summary>
internal static class ItemWriteModes
{
    private const int InFlight = 8; // WriteBehindOptions.MaxConcurrentBatches

    public static async Task<Dictionary<string, double>> RunAsync(int items)
    {
        using var client = DynamoDbClientFactory.Create(StackEndpoints.Current.DynamoDbOptions("unused"));
        var results = new Dictionary<string, double>(StringComparer.Ordinal);
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        (string Name, Func<IAmazonDynamoDB, string, List<Dictionary<string, AttributeValue>>, long, Task> Write)[] modes =
        [
            ("batch_unconditional", BatchAsync),
            ("put_conditional", PutAsync),
            ("transact_25_conditional", (c, t, b, v) => TransactAsync(c, t, b, v, 25)),
            ("transact_100_conditional", (c, t, b, v) => TransactAsync(c, t, b, v, 100)),
        ];
        foreach (var (name, write) in modes)
        {
            var table = $"bench-{run}-{name.Replace('_', '-')}";
            await AccountTable.CreateIfMissingAsync(client, table, CancellationToken.None);
            var clock = Stopwatch.StartNew();
            for (var version = 1L; version <= 2; version++)
            {
                await write(client, table, Items(items, version), version);
            }

            var rate = items * 2 / clock.Elapsed.TotalSeconds;
            results[name] = rate;
            Console.WriteLine($"write-modes: {name}: {rate:N0} item writes/s ({items * 2:N0} writes)");
        }

        foreach (var name in results.Keys.Where(n => n != "batch_unconditional").ToList())
        {
            results[name + "_vs_batch"] = results[name] / results["batch_unconditional"];
            Console.WriteLine($"write-modes: {name} = {results[name + "_vs_batch"]:0.00}x unconditional batches");
        }

        return results;
    }

    private static List<Dictionary<string, AttributeValue>> Items(int count, long version)
    {
        var items = new List<Dictionary<string, AttributeValue>>(count);
        for (var i = 0; i < count; i++)
        {
            var builder = NamespaceFeatures.Empty("orders").ToBuilder();
            for (var f = 0; f < 20; f++)
            {
                builder.Add($"feature_{f}", (i + f + version).ToString(CultureInfo.InvariantCulture), version);
            }

            var item = AccountItemCodec.ToItem($"account-{i:D7}", builder.Build(version));
            item[AccountTable.VersionAttribute] = new AttributeValue { N = version.ToString(CultureInfo.InvariantCulture) };
            items.Add(item);
        }

        return items;
    }

    private static async Task BatchAsync(IAmazonDynamoDB client, string table, List<Dictionary<string, AttributeValue>> items, long version)
    {
        await ForEachChunkAsync(items, 25, async chunk =>
        {
            var requests = chunk.Select(i => new WriteRequest(new PutRequest(i))).ToList();
            while (requests.Count > 0)
            {
                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [table] = requests } });
                requests = response.UnprocessedItems is { } left && left.TryGetValue(table, out var again) ? again : [];
            }
        });
    }

    private static async Task PutAsync(IAmazonDynamoDB client, string table, List<Dictionary<string, AttributeValue>> items, long version)
    {
        using var gate = new SemaphoreSlim(InFlight * 25);
        await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                await client.PutItemAsync(Conditional(new PutItemRequest { TableName = table, Item = item }, version));
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static Task TransactAsync(IAmazonDynamoDB client, string table, List<Dictionary<string, AttributeValue>> items, long version, int size) =>
        ForEachChunkAsync(items, size, chunk => client.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems = [.. chunk.Select(item =>
            {
                var put = Conditional(new PutItemRequest { TableName = table, Item = item }, version);
                return new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = table,
                        Item = item,
                        ConditionExpression = put.ConditionExpression,
                        ExpressionAttributeNames = put.ExpressionAttributeNames,
                        ExpressionAttributeValues = put.ExpressionAttributeValues,
                    },
                };
            })],
        }));

    /// <summary>Version 1 creates (no version yet); version 2 replaces version 1: the storage provider's condition.</summary>
    private static PutItemRequest Conditional(PutItemRequest request, long version)
    {
        request.ExpressionAttributeNames = new() { ["#v"] = AccountTable.VersionAttribute };
        if (version == 1)
        {
            request.ConditionExpression = "attribute_not_exists(#v)";
        }
        else
        {
            request.ConditionExpression = "#v = :expected";
            request.ExpressionAttributeValues = new() { [":expected"] = new AttributeValue { N = (version - 1).ToString(CultureInfo.InvariantCulture) } };
        }

        return request;
    }

    private static async Task ForEachChunkAsync(List<Dictionary<string, AttributeValue>> items, int size, Func<List<Dictionary<string, AttributeValue>>, Task> write)
    {
        using var gate = new SemaphoreSlim(InFlight);
        var chunks = items.Chunk(size).Select(async chunk =>
        {
            await gate.WaitAsync();
            try
            {
                await write([.. chunk]);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(chunks);
    }
}
