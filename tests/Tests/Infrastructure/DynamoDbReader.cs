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
