using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// The real DynamoDB Local client, whose BatchGetItem calls (account loads) wait while the gate is closed: a test can
/// hold the loads in flight and see what queues behind them. Everything else passes straight through.
/// </summary>
internal sealed class GatedLoadsDynamoDbClient() : AmazonDynamoDBClient(LocalDynamoDbClientConfig.Credentials, LocalDynamoDbClientConfig.Create(sdkRetries: true))
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public int BatchGetCalls => Volatile.Read(ref _calls);

    public void Open() => _open.TrySetResult();

    public override async Task<BatchGetItemResponse> BatchGetItemAsync(BatchGetItemRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        await _open.Task.WaitAsync(cancellationToken);
        return await base.BatchGetItemAsync(request, cancellationToken);
    }
}
