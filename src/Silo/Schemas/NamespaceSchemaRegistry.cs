using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Silo.Schemas;

/// <summary>
/// The namespaces' schemas, kept in the account table under the partition key <c>#schemas</c> (not a valid account
/// id, so it can never collide with an account) and cached in memory for the ingest path. Every silo reloads them
/// periodically (<see cref="SchemaRefresher"/>), so a schema registered on one silo reaches the others.
/// </summary>
public sealed partial class NamespaceSchemaRegistry(IAmazonDynamoDB client, DynamoDbOptions options, TimeProvider time, ILogger<NamespaceSchemaRegistry> logger)
    : IAccountNamespaceCatalog
{
    public const string PartitionKey = "#schemas";
    private const string DocumentAttribute = "_schema";

    private volatile FrozenDictionary<string, NamespaceSchema> _schemas = FrozenDictionary<string, NamespaceSchema>.Empty;
    private volatile string[] _namespaces = [];
    private volatile FrozenDictionary<string, string> _unusable = FrozenDictionary<string, string>.Empty;

    /// <summary>True once schemas were loaded from storage at least once.</summary>
    public bool IsLoaded { get; private set; }

    public IReadOnlyCollection<NamespaceSchema> All => _schemas.Values;

    public NamespaceSchema? Find(string @namespace) => _schemas.GetValueOrDefault(@namespace);

    /// <summary>
    /// Stored schemas that cannot be loaded (stored before a rule that refuses them, say), by namespace, with why: the
    /// silo starts without them, their messages are dead-lettered with the reason, the other namespaces work.
    /// </summary>
    public IReadOnlyDictionary<string, string> Unusable => _unusable;

    /// <summary>
    /// The registered namespaces, for the account storage's batched loads: the same array until one is added, since
    /// accounts loaded over it compare by reference.
    /// </summary>
    public IReadOnlyList<string> Namespaces => _namespaces;

    /// <summary>Null when the feature may be stored; otherwise why not.</summary>
    public ParseOutcome? Check(in FeatureMessage message)
    {
        if (message.Kind == FeatureMessageKind.Erase)
        {
            return null;
        }

        return _schemas.TryGetValue(message.Namespace, out var schema)
            ? schema.Check(message.FeatureName, message.Value)
            : _unusable.TryGetValue(message.Namespace, out var why)
                ? new ParseOutcome(DeadLetterReason.UnusableSchema, $"namespace '{message.Namespace}' has a stored schema that cannot be loaded: {why}")
                : new ParseOutcome(DeadLetterReason.UnknownNamespace, $"namespace '{message.Namespace}' has no registered schema");
    }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = options.TableName,
            ConsistentRead = true,
            KeyConditionExpression = "account_id = :id",
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = PartitionKey } },
        };
        var loaded = new Dictionary<string, NamespaceSchema>(StringComparer.Ordinal);
        var unusable = new Dictionary<string, string>(StringComparer.Ordinal);
        do
        {
            var response = await client.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                var ns = item[AccountTable.NamespaceAttribute].S;
                try
                {
                    loaded[ns] = await NamespaceSchema.ParseAsync(ns, item[DocumentAttribute].S).ConfigureAwait(false);
                }
                catch (SchemaDefinitionException exception)
                {
                    // One bad document must not stop a silo from starting, nor the other namespaces from working.
                    unusable[ns] = exception.Message;
                    if (!_unusable.ContainsKey(ns))
                    {
                        LogUnusable(logger, ns, exception.Message);
                    }
                }
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });

        _unusable = unusable.ToFrozenDictionary(StringComparer.Ordinal);
        Publish(loaded.ToFrozenDictionary(StringComparer.Ordinal));
        IsLoaded = true;
    }

    /// <summary>Validates and stores a schema (replacing the namespace's previous one); throws <see cref="SchemaDefinitionException"/>.</summary>
    public async Task<NamespaceSchema> PutAsync(string @namespace, string json, CancellationToken cancellationToken)
    {
        var schema = await NamespaceSchema.ParseAsync(@namespace, json).ConfigureAwait(false);
        await client.PutItemAsync(new PutItemRequest { TableName = options.TableName, Item = ToItem(schema) }, cancellationToken).ConfigureAwait(false);
        Replace(schema);
        return schema;
    }

    /// <summary>Registers the demo namespaces' schemas that storage does not have yet (never overwrites).</summary>
    public async Task SeedDemoSchemasAsync(CancellationToken cancellationToken)
    {
        var assembly = typeof(NamespaceSchemaRegistry).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("DemoSchemas/", StringComparison.Ordinal)))
        {
            var ns = Path.GetFileNameWithoutExtension(resource);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var schema = await NamespaceSchema.ParseAsync(ns, await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            try
            {
                await client.PutItemAsync(new PutItemRequest
                {
                    TableName = options.TableName,
                    Item = ToItem(schema),
                    ConditionExpression = "attribute_not_exists(account_id)",
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
                // Already registered (perhaps changed by an operator): keep theirs.
            }
        }
    }

    private void Replace(NamespaceSchema schema)
    {
        var next = new Dictionary<string, NamespaceSchema>(_schemas, StringComparer.Ordinal) { [schema.Namespace] = schema };
        if (_unusable.ContainsKey(schema.Namespace))
        {
            _unusable = _unusable.Where(u => u.Key != schema.Namespace).ToFrozenDictionary(StringComparer.Ordinal); // replaced by a good one
        }

        Publish(next.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private void Publish(FrozenDictionary<string, NamespaceSchema> schemas)
    {
        // Namespaces first: an account loaded over the new list while the schemas are still the old ones is harmless.
        // An unusable namespace is still one accounts may have items in (written while its schema loaded).
        var known = _namespaces;
        var unusable = _unusable;
        if (!Array.TrueForAll([.. schemas.Keys, .. unusable.Keys], known.Contains))
        {
            _namespaces = [.. known.Union(schemas.Keys, StringComparer.Ordinal).Union(unusable.Keys, StringComparer.Ordinal)];
        }

        _schemas = schemas;
    }

    private Dictionary<string, AttributeValue> ToItem(NamespaceSchema schema) => new(StringComparer.Ordinal)
    {
        [AccountTable.AccountIdAttribute] = new() { S = PartitionKey },
        [AccountTable.NamespaceAttribute] = new() { S = schema.Namespace },
        [DocumentAttribute] = new() { S = schema.Json },
        [AccountTable.UpdatedAtAttribute] = new() { N = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) },
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored schema of namespace {Namespace} cannot be loaded: {Reason}. Its messages are dead-lettered until a valid schema replaces it")]
    private static partial void LogUnusable(ILogger logger, string @namespace, string reason);
}
