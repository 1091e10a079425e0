using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>Reads what DynamoDB Local really holds, bypassing the silo.</summary>
internal static class DynamoDbReader
{
    public static async Task<Dictionary<string, NamespaceFeatures>> ReadAccountAsync(IAmazonDynamoDB client, string table, string accountId)
    {
        var response = await client.QueryAsync(new QueryRequest
        {
            TableName = table,
            ConsistentRead = true,
            KeyConditionExpression = "account_id = :id",
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = accountId } },
        });
        return (response.Items ?? []).Select(i => AccountItemCodec.FromItem(i, new NameInterner()))
            .ToDictionary(f => f.Namespace, StringComparer.Ordinal);
    }

    /// <summary>
    /// DynamoDB, item by item, against what the broker acknowledged: nothing lost, nothing older than expected.
    /// <paramref name="logs"/> is where the failure message points for the silos' side of the story.
    /// </summary>
    public static async Task AssertStoredAsync(string table, ExpectedState expected, string logs)
    {
        using var client = SiloFactory.CreateDynamoDbClient();
        var lost = new List<string>();
        var regressed = new List<string>();
        foreach (var account in expected.Accounts)
        {
            foreach (var difference in expected.Differences(account, await ReadAccountAsync(client, table, account)))
            {
                (difference.Contains(": missing", StringComparison.Ordinal) ? lost : regressed).Add(difference);
            }
        }

        Assert.True(lost.Count == 0 && regressed.Count == 0,
            $"{lost.Count} lost, {regressed.Count} regressed of {expected.Count} features; first: {string.Join("; ", lost.Concat(regressed).Take(5))} (logs {logs})");
    }

    /// <summary>Account items in the table (the namespace schemas' partition is not an account).</summary>
    public static async Task<int> CountItemsAsync(IAmazonDynamoDB client, string table)
    {
        var response = await client.ScanAsync(new ScanRequest
        {
            TableName = table,
            Select = Select.COUNT,
            FilterExpression = "account_id <> :schemas",
            ExpressionAttributeValues = new() { [":schemas"] = new AttributeValue { S = Silo.Schemas.NamespaceSchemaRegistry.PartitionKey } },
        });
        return response.Count ?? 0;
    }
}
