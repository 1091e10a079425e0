using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// The account table: one item per (account, namespace), each feature a string attribute of the item, as in the
/// source system, plus two bookkeeping attributes whose names cannot be feature names (they start with '_').
/// </summary>
public static class AccountTable
{
    public const string AccountIdAttribute = "account_id";
    public const string NamespaceAttribute = "namespace";

    /// <summary>Map feature name -> timestamp (N) of the stored value: last-writer-wins survives a reload.</summary>
    public const string TimestampsAttribute = "_ts";

    /// <summary>Milliseconds since the epoch of the namespace's last change.</summary>
    public const string UpdatedAtAttribute = "_updated_at";

    /// <summary>
    /// The item's version (N), one more on every write; every write is conditional on the version it was based on.
    /// Items written before versions existed have none, which counts as version 0.
    /// </summary>
    public const string VersionAttribute = "_v";

    public static async Task CreateIfMissingAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            await client.CreateTableAsync(new CreateTableRequest
            {
                TableName = tableName,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions =
                [
                    new AttributeDefinition(AccountIdAttribute, ScalarAttributeType.S),
                    new AttributeDefinition(NamespaceAttribute, ScalarAttributeType.S),
                ],
                KeySchema =
                [
                    new KeySchemaElement(AccountIdAttribute, KeyType.HASH),
                    new KeySchemaElement(NamespaceAttribute, KeyType.RANGE),
                ],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            // Already there: creation is idempotent.
        }
    }
}
