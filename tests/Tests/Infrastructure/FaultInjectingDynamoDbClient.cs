using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using System.Diagnostics;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// The real DynamoDB Local client, with faults DynamoDB produces under load but the local one never does: for the
/// first calls, each account item write (PutItem, DeleteItem) fails with throttling or with a 500. Writes of the
/// namespace schemas (the <c>#schemas</c> partition) pass: the faults are for the grain storage. Everything it does
/// pass on really reaches DynamoDB Local. With <see cref="Stalls"/>, account item writes instead get no answer at all
/// until their caller gives up, as from a DynamoDB that stopped answering.
/// </summary>
internal sealed class FaultInjectingDynamoDbClient(int faultyCalls, bool throttle)
    : AmazonDynamoDBClient(LocalDynamoDbClientConfig.Credentials, LocalDynamoDbClientConfig.Create(sdkRetries: false))
{
    private int _calls;
    private int _faults;

    public int FaultsInjected => Volatile.Read(ref _faults);

    public bool Healthy { get; set; }

    /// <summary>Account item writes wait until cancelled, then fail as the SDK does (a <see cref="TaskCanceledException"/>).</summary>
    public bool Stalls { get; set; }

    /// <summary>Stalled writes that ended because their caller cancelled them.</summary>
    public int StallsCancelled => Volatile.Read(ref _stallsCancelled);

    /// <summary>Account item writes that stalled (each ends only when its caller cancels it).</summary>
    public int StallsStarted => Volatile.Read(ref _stallsStarted);

    private int _stallsStarted;
    private int _stallsCancelled;

    public override Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Stalls && !IsSchemaItem(request.Item))
        {
            return StallAsync<PutItemResponse>(cancellationToken);
        }

        Fault(request.Item);
        return base.PutItemAsync(request, cancellationToken);
    }

    public override Task<DeleteItemResponse> DeleteItemAsync(DeleteItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Fault(request.Key);
        return base.DeleteItemAsync(request, cancellationToken);
    }

    private async Task<T> StallAsync<T>(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _stallsStarted);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            Interlocked.Increment(ref _stallsCancelled);
        }

        throw new UnreachableException();
    }

    private static bool IsSchemaItem(Dictionary<string, AttributeValue> key) => key[AccountTable.AccountIdAttribute].S.StartsWith('#');

    private void Fault(Dictionary<string, AttributeValue> key)
    {
        if (IsSchemaItem(key) || Healthy || Interlocked.Increment(ref _calls) > faultyCalls)
        {
            return;
        }

        Interlocked.Increment(ref _faults);
        throw throttle
            ? new ProvisionedThroughputExceededException("injected throttle")
            : new InternalServerErrorException("injected server error");
    }

    public static string NewTable() => StackEndpoints.UniqueName("faults");

    public static Task CreateTableAsync(IAmazonDynamoDB client, string table) => AccountTable.CreateIfMissingAsync(client, table, CancellationToken.None);
}
