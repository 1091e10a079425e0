using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// The real DynamoDB Local client, whose first BatchGetItem calls (account loads) fail with a 500, as a DynamoDB that
/// is briefly away would answer; everything after them, and every other call, really reaches DynamoDB Local.
/// </summary>
internal sealed class FailingLoadsDynamoDbClient(int failingLoads) : AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig
{
    ServiceURL = StackEndpoints.Current.DynamoDbUrl,
    AuthenticationRegion = "us-east-1",
    MaxErrorRetry = 0, // the service's own retries are under test, not the SDK's
})
{
    private int _calls;

    public int FailedLoads => Math.Min(Volatile.Read(ref _calls), failingLoads);

    public override Task<BatchGetItemResponse> BatchGetItemAsync(BatchGetItemRequest request, CancellationToken cancellationToken = default) =>
        Interlocked.Increment(ref _calls) <= failingLoads
            ? Task.FromException<BatchGetItemResponse>(new InternalServerErrorException("injected: account load failed"))
            : base.BatchGetItemAsync(request, cancellationToken);
}
