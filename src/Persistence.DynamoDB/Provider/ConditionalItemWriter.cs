using System.Globalization;
using AccountMetadata.Grains;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// Writes one namespace item on the version its writer last saw, so it can never overwrite a newer item. When the
/// condition fails (another activation of the account wrote it, which Orleans allows briefly while membership
/// changes), the newer item is read back and merged feature by feature, the newer timestamp winning, and the merge is
/// written on that item's version. An erase wins over a concurrent write: it deletes whatever version it finds.
/// Throttled and failed requests are retried with jittered backoff, up to <see cref="WriteBehindOptions.MaxAttempts"/>.
/// Holds no state of its own: what is dirty and what is durable is <see cref="DynamoAccountStorage"/>'s to track.
/// </summary>
internal sealed partial class ConditionalItemWriter(
    IAmazonDynamoDB client,
    DynamoDbOptions options,
    WriteBehindOptions writeBehind,
    StorageMetrics metrics,
    NameInterner interner,
    ILogger logger)
{
    /// <summary>
    /// Writes <paramref name="snapshot"/> of <paramref name="accountId"/> on <paramref name="expectedVersion"/> (0: no
    /// item, or one without a version). Null when this flush's attempts ran out (the caller keeps the item dirty).
    /// </summary>
    public async Task<ItemWritten?> WriteAsync(string accountId, NamespaceFeatures snapshot, long expectedVersion, CancellationToken cancellationToken)
    {
        var expected = expectedVersion;
        var merged = false;
        var conflicted = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (conflicted)
                {
                    var (stored, version) = await ReadItemAsync(accountId, snapshot.Namespace, cancellationToken).ConfigureAwait(false);
                    LogConflict(logger, accountId, snapshot.Namespace, expected, version);
                    expected = version;
                    if (!snapshot.IsDeleted && stored is not null)
                    {
                        snapshot = NamespaceMerge.Merge(snapshot, stored, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                        merged = true;
                    }

                    conflicted = false;
                }

                metrics.WriteRequests.Increment();
                if (snapshot.IsDeleted)
                {
                    await client.DeleteItemAsync(
                        Versioned(new DeleteItemRequest { TableName = options.TableName, Key = AccountItemCodec.Key(accountId, snapshot.Namespace) }, expected),
                        cancellationToken).ConfigureAwait(false);
                    return new ItemWritten(snapshot, Version: 0, merged);
                }

                var item = AccountItemCodec.ToItem(accountId, snapshot);
                item[AccountTable.VersionAttribute] = new AttributeValue { N = (expected + 1).ToString(CultureInfo.InvariantCulture) };
                await client.PutItemAsync(Versioned(new PutItemRequest { TableName = options.TableName, Item = item }, expected), cancellationToken)
                    .ConfigureAwait(false);
                return new ItemWritten(snapshot, expected + 1, merged);
            }
            catch (ConditionalCheckFailedException)
            {
                // Another activation wrote the item first: read it back and merge on the next pass.
                metrics.Conflicts.Increment();
                conflicted = true;
                if (attempt >= writeBehind.MaxAttempts)
                {
                    return null; // the next flush meets the newer item again and merges
                }
            }
            catch (Exception exception) when (exception is AmazonDynamoDBException or AmazonServiceException or HttpRequestException or TaskCanceledException
                                              && !cancellationToken.IsCancellationRequested)
            {
                if (exception is ProvisionedThroughputExceededException or RequestLimitExceededException)
                {
                    metrics.Throttles.Increment();
                }

                LogWriteFailed(logger, exception, accountId, snapshot.Namespace, attempt);
                if (attempt >= writeBehind.MaxAttempts)
                {
                    return null; // the next flush tries again
                }

                metrics.RetriedWrites.Increment();
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The item as stored now, with its version (0 when it has none), or null when there is no item.</summary>
    private async Task<(NamespaceFeatures? Features, long Version)> ReadItemAsync(string accountId, string @namespace, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(
            new GetItemRequest { TableName = options.TableName, Key = AccountItemCodec.Key(accountId, @namespace), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item
            ? (AccountItemCodec.FromItem(item, interner), AccountItemCodec.VersionOf(item))
            : (null, 0);
    }

    /// <summary>Only on the version this write was based on: absent (or unversioned) for 0, equal otherwise.</summary>
    private static T Versioned<T>(T request, long expected)
        where T : AmazonDynamoDBRequest
    {
        var names = new Dictionary<string, string> { ["#v"] = AccountTable.VersionAttribute };
        var (condition, values) = expected == 0
            ? ("attribute_not_exists(#v)", (Dictionary<string, AttributeValue>?)null)
            : ("#v = :v", new Dictionary<string, AttributeValue> { [":v"] = new() { N = expected.ToString(CultureInfo.InvariantCulture) } });
        switch (request)
        {
            case PutItemRequest put:
                (put.ConditionExpression, put.ExpressionAttributeNames, put.ExpressionAttributeValues) = (condition, names, values);
                break;
            case DeleteItemRequest delete:
                (delete.ConditionExpression, delete.ExpressionAttributeNames, delete.ExpressionAttributeValues) = (condition, names, values);
                break;
        }

        return request;
    }

    private TimeSpan Backoff(int attempt)
    {
        // Exponential with full jitter (AWS's recommendation for contended retries).
        var ceiling = Math.Min(writeBehind.MaxBackoff.TotalMilliseconds, writeBehind.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {AccountId}/{Namespace} failed (attempt {Attempt}); retrying")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string accountId, string @namespace, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{AccountId}/{Namespace} was written by another activation (version {Expected} expected, {Found} found): merged by feature timestamps")]
    private static partial void LogConflict(ILogger logger, string accountId, string @namespace, long expected, long found);
}
