namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>Configuration section <c>DynamoDb</c>.</summary>
public sealed class DynamoDbOptions
{
    public const string SectionName = "DynamoDb";

    /// <summary>Endpoint override (DynamoDB Local); empty means the AWS endpoint of <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    public string TableName { get; set; } = "account-metadata";

    /// <summary>
    /// HTTP connections to DynamoDB, and account loads in flight at once. A cold silo activates accounts by the
    /// thousand; unbounded, that is a connection storm that DynamoDB (Local, at least) answers with refusals.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>
    /// Load accounts many per request (BatchGetItem over the <see cref="IAccountNamespaceCatalog"/>'s namespaces) when
    /// a catalog is registered; off, one consistent Query per account. See <see cref="AccountLoader"/> for the cost.
    /// </summary>
    public bool BatchLoads { get; set; } = true;

    /// <summary>
    /// BatchGetItem calls in flight for account loads; loads that arrive meanwhile wait and go together. Only full
    /// requests use more than one slot: a partial request goes when none is in flight.
    /// </summary>
    public int MaxConcurrentBatchLoads { get; set; } = 8;

    /// <summary>
    /// Hand a grain its state before its items arrive, so its activation does not wait for DynamoDB: the grain applies
    /// updates meanwhile and takes the items in (merging by feature timestamp) before it answers a read or hands a
    /// change to storage (<see cref="AccountMetadata.Grains.IAccountLoadCoverage"/>). This is what frees a cold silo's
    /// stream partitions: Orleans' pulling agent reads nothing more from a partition while a new stream's first
    /// handshake waits for its grain to activate. Off, every activation waits for its load.
    /// </summary>
    public bool ActivateBeforeLoad { get; set; } = true;

    /// <summary>Create the table at start-up when it is missing (local and test stacks; production tables are provisioned).</summary>
    public bool CreateTableIfMissing { get; set; }
}
