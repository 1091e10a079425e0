namespace AccountMetadata.Testing;

/// <summary>
/// The names one test silo uses, from its table name: its own ingest topic, consumer group and log file, so tests
/// sharing a stack never see each other's data.
/// </summary>
public sealed record SiloNames(string Table)
{
    public string Topic => Table + "-in";

    public string Group => Table + "-group";

    /// <summary>artifacts/test-results/&lt;table&gt;.silo.log (the folder is created on first use).</summary>
    public string LogFile
    {
        get
        {
            var directory = Path.Combine(StackEndpoints.RepositoryRoot, "artifacts", "test-results");
            Directory.CreateDirectory(directory);
            return Path.Combine(directory, Table + ".silo.log");
        }
    }

    public static SiloNames Unique(string prefix) => new(StackEndpoints.UniqueName(prefix));
}
