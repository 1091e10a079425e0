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
        Silo = await SiloProcess.StartAsync(SiloNames.Unique("hostile"), environment: new Dictionary<string, string>
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
