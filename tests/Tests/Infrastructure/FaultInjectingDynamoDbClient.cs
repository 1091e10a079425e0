using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// The real DynamoDB Local client, with faults DynamoDB produces under load but the local one never does: for the
/// first calls, half of each BatchWriteItem comes back as UnprocessedItems, or the call fails with throttling.
/// Everything it does pass on really reaches DynamoDB Local.
/// </summary>
internal sealed class FaultInjectingDynamoDbClient(int faultyCalls, bool throttle)
    : AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig
    {
        ServiceURL = StackEndpoints.Current.DynamoDbUrl,
        AuthenticationRegion = "us-east-1",
    })
{
    private int _calls;

    public int FaultsInjected { get; private set; }

    public bool Healthy { get; set; }

    public override async Task<BatchWriteItemResponse> BatchWriteItemAsync(BatchWriteItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Healthy || Interlocked.Increment(ref _calls) > faultyCalls)
        {
            return await base.BatchWriteItemAsync(request, cancellationToken);
        }

        FaultsInjected++;
        if (throttle)
        {
            throw new ProvisionedThroughputExceededException("injected throttle");
        }

        var (table, writes) = request.RequestItems.Single();
        var half = writes.Count / 2;
        var response = await base.BatchWriteItemAsync(
            new BatchWriteItemRequest { RequestItems = new() { [table] = writes.Take(half).ToList() } }, cancellationToken);
        // Hand back copies, as the service does (new objects, equal content).
        response.UnprocessedItems = new()
        {
            [table] = writes.Skip(half).Select(w => new WriteRequest(new PutRequest(new Dictionary<string, AttributeValue>(w.PutRequest.Item)))).ToList(),
        };
        return response;
    }

    public static string NewTable() => StackEndpoints.UniqueName("faults");

    public static Task CreateTableAsync(IAmazonDynamoDB client, string table) => AccountTable.CreateIfMissingAsync(client, table, CancellationToken.None);
}
