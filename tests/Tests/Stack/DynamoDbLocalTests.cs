using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Tests.Infrastructure;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Tests.Stack;

public sealed class DynamoDbLocalTests
{
    [Fact]
    public async Task Creates_the_account_table_then_batch_writes_queries_and_gets()
    {
        var table = StackEndpoints.UniqueName("accounts");
        using var client = DynamoDbClientFactory.Create(StackEndpoints.Current.DynamoDbOptions(table));
        await AccountTable.CreateIfMissingAsync(client, table, CancellationToken.None);
        await AccountTable.CreateIfMissingAsync(client, table, CancellationToken.None); // idempotent

        var description = (await client.DescribeTableAsync(table)).Table;
        Assert.Equal(Amazon.DynamoDBv2.BillingMode.PAY_PER_REQUEST, description.BillingModeSummary?.BillingMode);
        Assert.Contains(description.KeySchema, k => k.AttributeName == AccountTable.AccountIdAttribute && k.KeyType == "HASH");
        Assert.Contains(description.KeySchema, k => k.AttributeName == AccountTable.NamespaceAttribute && k.KeyType == "RANGE");

        string[] namespaces = ["orders", "rewards", "preferences"];
        var writes = namespaces.Select(ns => new WriteRequest(new PutRequest(new Dictionary<string, AttributeValue>
        {
            [AccountTable.AccountIdAttribute] = new() { S = "acc-1" },
            [AccountTable.NamespaceAttribute] = new() { S = ns },
            ["feature"] = new() { S = "value-" + ns },
        }))).ToList();
        var batch = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [table] = writes } });
        Assert.True(batch.UnprocessedItems is null || batch.UnprocessedItems.Count == 0);

        var query = await client.QueryAsync(new QueryRequest
        {
            TableName = table,
            ConsistentRead = true,
            KeyConditionExpression = "account_id = :id",
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = "acc-1" } },
        });
        Assert.Equal(namespaces.Order(StringComparer.Ordinal), query.Items.Select(i => i[AccountTable.NamespaceAttribute].S));

        var item = await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            ConsistentRead = true,
            Key = new()
            {
                [AccountTable.AccountIdAttribute] = new() { S = "acc-1" },
                [AccountTable.NamespaceAttribute] = new() { S = "rewards" },
            },
        });
        Assert.Equal("value-rewards", item.Item["feature"].S);
    }
}
