using AccountMetadata.Silo.Schemas;
using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// Readiness: the silo has prepared its storage and loaded the namespace schemas at start-up, and the table answers now (checked at most once
/// every few seconds, so a probe storm does not become a DynamoDB storm).
/// </summary>
public sealed class StorageReadiness(IAmazonDynamoDB client, DynamoDbOptions options, NamespaceSchemaRegistry schemas, TimeProvider time) : IHostedService
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    /// <summary>A frozen DynamoDB never answers; the SDK would wait (and retry) far longer than a probe may.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private volatile bool _started;
    private (DateTimeOffset At, bool Ready, string? Reason) _last;

    /// <summary>Runs after the Orleans silo has started, whose account storage checked (or created) the table.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<(bool Ready, string? Reason)> CheckAsync(CancellationToken cancellationToken)
    {
        if (!_started || !schemas.IsLoaded)
        {
            return (false, "starting: table and namespace schemas not loaded yet");
        }

        var last = _last;
        if (time.GetUtcNow() - last.At < CacheFor)
        {
            return (last.Ready, last.Reason);
        }

        (bool, string?) outcome;
        try
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(ProbeTimeout);
            var table = await client.DescribeTableAsync(options.TableName, probe.Token).ConfigureAwait(false);
            outcome = table.Table.TableStatus == TableStatus.ACTIVE ? (true, null) : (false, $"table {options.TableName} is {table.Table.TableStatus}");
        }
#pragma warning disable CA1031 // any failure to reach storage means "not ready"; the reason is reported
        catch (Exception exception)
#pragma warning restore CA1031
        {
            outcome = (false, exception is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? $"DynamoDB did not answer within {ProbeTimeout.TotalSeconds:0} s"
                : $"DynamoDB unreachable: {exception.Message}");
        }

        _last = (time.GetUtcNow(), outcome.Item1, outcome.Item2);
        return outcome;
    }
}
