using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// The real DynamoDB Local client, whose item writes (PutItem) of one account wait while the gate is closed: a test
/// can hold one write of a flush in flight and see what the others' completion already tells. Everything else passes
/// straight through.
/// </summary>
internal sealed class GatedWritesDynamoDbClient(string heldAccount)
    : AmazonDynamoDBClient(LocalDynamoDbClientConfig.Credentials, LocalDynamoDbClientConfig.Create(sdkRetries: true))
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a write of the held account has reached the gate.</summary>
    public Task Held => _held.Task;

    public void Open() => _open.TrySetResult();

    public override async Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Item.TryGetValue(AccountTable.AccountIdAttribute, out var account) && account.S == heldAccount)
        {
            _held.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
        }

        return await base.PutItemAsync(request, cancellationToken);
    }
}
