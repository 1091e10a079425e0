namespace AccountMetadata.Tests.Faults;

/// <summary>
/// A private local stack for fault drills (its own ports, DynamoDB on disk so a restart keeps the table), so
/// stopping the broker or freezing DynamoDB never disturbs the tests running on the shared stack.
/// </summary>
public sealed class FaultStackFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(StackEndpoints.RepositoryRoot, ".stack", "faults");

    public StackEndpoints Endpoints { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await StackScript.RunAsync(_directory, "down"); // a stack left over by an interrupted run
        await StackScript.RunAsync(_directory, "up", "--disk");
        Endpoints = StackEndpoints.FromFile(Path.Combine(_directory, "endpoints.env"));
    }

    public Task DisposeAsync() => StackScript.RunAsync(_directory, "down");

    public Task StopAsync(string service) => StackScript.RunAsync(_directory, "stop", service);

    /// <summary>
    /// Every service running and DynamoDB not frozen, whatever the drill before left (its own restart can fail on a
    /// loaded machine): each drill starts from a whole stack, so one failure does not become five.
    /// </summary>
    public async Task EnsureAllUpAsync()
    {
        foreach (var service in new[] { "dynamodb", "kafka", "redis" })
        {
            await StartAsync(service); // "already running" when it is
        }

        await ThawDynamoDbAsync();
    }

    public Task StartAsync(string service) => StackScript.RunAsync(_directory, "start", service);

    public Task FreezeDynamoDbAsync() => StackScript.RunAsync(_directory, "freeze", "dynamodb");

    public Task ThawDynamoDbAsync() => StackScript.RunAsync(_directory, "thaw", "dynamodb");
}
