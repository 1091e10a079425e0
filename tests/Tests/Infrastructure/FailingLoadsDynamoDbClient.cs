using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// The real DynamoDB Local client, whose BatchGetItem calls (account loads) fail with a 500 until the test makes it
/// <see cref="Healthy"/>, as a DynamoDB that is away would answer; every other call really reaches DynamoDB Local.
/// </summary>
internal sealed class FailingLoadsDynamoDbClient() : AmazonDynamoDBClient(LocalDynamoDbClientConfig.Credentials, LocalDynamoDbClientConfig.Create(sdkRetries: false))
{
    private int _failed;

    public bool Healthy { get; set; }

    public int FailedLoads => Volatile.Read(ref _failed);

    public override Task<BatchGetItemResponse> BatchGetItemAsync(BatchGetItemRequest request, CancellationToken cancellationToken = default)
    {
        if (Healthy)
        {
            return base.BatchGetItemAsync(request, cancellationToken);
        }

        Interlocked.Increment(ref _failed);
        return Task.FromException<BatchGetItemResponse>(new InternalServerErrorException("injected: account load failed"));
    }
}
