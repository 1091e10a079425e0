namespace AccountMetadata.Tests.Security;

/// <summary>
/// One silo process shared by the hostile-HTTP tests: Kestrel's own limits (header sizes, request line) only exist
/// on a real socket, not in the in-memory test server.
/// </summary>
public sealed class RealKestrelSilo : IAsyncLifetime
{
    public SiloProcess Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var table = StackEndpoints.UniqueName("hostile");
        var log = Path.Combine(StackEndpoints.RepositoryRoot, "artifacts", "test-results", table + ".silo.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        Silo = await SiloProcess.StartAsync(table, table + "-in", table + "-group", log, environment: new Dictionary<string, string>
        {
            ["Ingestion__Enabled"] = "false",
        });
    }

    public Task DisposeAsync()
    {
        Silo.Dispose();
        return Task.CompletedTask;
    }
}
