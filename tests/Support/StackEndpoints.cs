using AccountMetadata.Silo.Kafka;
using AccountMetadata.Persistence.DynamoDB;

namespace AccountMetadata.Testing;

/// <summary>
/// The endpoints of the local stack the test command started (<c>scripts/stack up</c>): read from the environment
/// when the test script exported them, else from the stack's endpoints file. Nothing here hard-codes a port.
/// </summary>
public sealed class StackEndpoints
{
    private static readonly Lazy<StackEndpoints> Shared = new(Load);
    private static readonly AsyncLocal<StackEndpoints?> Override = new();

    private readonly Dictionary<string, string> _values;

    private StackEndpoints(Dictionary<string, string> values) => _values = values;

    /// <summary>The test run's stack, unless the calling flow has switched to another with <see cref="Use"/>.</summary>
    public static StackEndpoints Current => Override.Value ?? Shared.Value;

    public string KafkaBootstrap => Get("KAFKA_BOOTSTRAP");

    public string DynamoDbUrl => Get("DYNAMODB_URL");

    /// <summary>The stack's redis-server (host:port), where multi-silo tests keep Orleans cluster membership.</summary>
    public string Redis => Get("REDIS");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string EndpointsFile => Environment.GetEnvironmentVariable("STACK_ENDPOINTS_FILE")
        ?? Path.Combine(Environment.GetEnvironmentVariable("STACK_DIR") ?? Path.Combine(RepositoryRoot, ".stack"), "endpoints.env");

    public KafkaOptions KafkaOptions(string? ingestTopic = null) => new()
    {
        BootstrapServers = KafkaBootstrap,
        Profile = KafkaClientProfile.Local,
        IngestTopic = ingestTopic ?? "account-features",
    };

    public DynamoDbOptions DynamoDbOptions(string tableName) => new()
    {
        ServiceUrl = DynamoDbUrl,
        TableName = tableName,
        CreateTableIfMissing = true,
    };

    /// <summary>
    /// Points <see cref="Current"/> at another stack for the calling async flow only (a fault drill's private stack),
    /// leaving the tests running beside it on the shared one.
    /// </summary>
    public static IDisposable Use(StackEndpoints stack)
    {
        var previous = Override.Value;
        Override.Value = stack;
        return new Restore(() => Override.Value = previous);
    }

    /// <summary>The endpoints a stack's file lists, ignoring the environment (which describes the shared stack).</summary>
    public static StackEndpoints FromFile(string endpointsFile) => new(ReadFile(endpointsFile));

    /// <summary>A name no other test (or earlier run against the same stack) uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private string Get(string key) => _values.TryGetValue(key, out var value)
        ? value
        : throw new InvalidOperationException($"{key} is not set: start the stack with 'scripts/stack up' or run 'scripts/test'.");

    private static StackEndpoints Load()
    {
        var values = File.Exists(EndpointsFile) ? ReadFile(EndpointsFile) : new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var key in new[] { "KAFKA_BOOTSTRAP", "DYNAMODB_URL", "REDIS" })
        {
            if (Environment.GetEnvironmentVariable(key) is { Length: > 0 } value)
            {
                values[key] = value;
            }
        }

        return new StackEndpoints(values);
    }

    private static Dictionary<string, string> ReadFile(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var separator = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith('#') && separator > 0)
            {
                values[line[..separator]] = line[(separator + 1)..];
            }
        }

        return values;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.AccountMetadata.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Orleans.AccountMetadata.sln not found above " + AppContext.BaseDirectory);
    }
}
