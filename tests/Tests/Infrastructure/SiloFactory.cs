using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using AccountMetadata.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// A silo (Orleans, the account storage, the API) in the test process, on the real DynamoDB Local, with a table of
/// its own and a silo port of its own (localhost clustering: a one-silo cluster). Disposing it stops the host
/// gracefully, which flushes everything, like a real silo shutdown.
/// </summary>
public sealed class SiloFactory(
    string tableName,
    IReadOnlyDictionary<string, string?>? settings = null,
    Func<IServiceProvider, IAmazonDynamoDB>? dynamoDb = null,
    CapturedLogs? logs = null,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string WriteKey = "test-write-key";
    public const string AdminKey = "test-admin-key";

    public string TableName { get; } = tableName;

    /// <summary>This silo's ingest topic, unless settings name another.</summary>
    public string IngestTopic => settings?.GetValueOrDefault("Kafka:IngestTopic") ?? new SiloNames(TableName).Topic;

    public string DeadLetterTopic => settings?.GetValueOrDefault("Kafka:DeadLetterTopic") ?? TableName + "-dlq";

    public string ConsumerGroup => new SiloNames(TableName).Group;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Account grain activations in this silo's activation directory.</summary>
    public async Task<int> ActiveAccountsAsync() => (await AccountActivationsAsync()).Count;

    /// <summary>Whether the account has an activation in this silo, without activating it.</summary>
    public async Task<bool> IsActiveAsync(string accountId)
    {
        var id = Grains.GetGrain<IAccountGrain>(accountId).GetGrainId();
        return (await AccountActivationsAsync()).Any(s => s.GrainId == id);
    }

    /// <summary>
    /// Read from the silo's activation directory (detailed statistics), not from Orleans' activation counters: those
    /// are per process, and the test process runs many silos at once.
    /// </summary>
    private async Task<List<DetailedGrainStatistic>> AccountActivationsAsync()
    {
        var silo = Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics([AccountGrainType], [silo]);
        return [.. statistics];
    }

    private static readonly string AccountGrainType = Orleans.Serialization.TypeSystem.RuntimeTypeNameFormatter.Format(typeof(AccountGrain));

    public DynamoAccountStorage Storage => Services.GetRequiredService<DynamoAccountStorage>();

    public static IAmazonDynamoDB CreateDynamoDbClient() =>
        DynamoDbClientFactory.Create(StackEndpoints.Current.DynamoDbOptions("unused"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Local");
        builder.UseSetting("DynamoDb:ServiceUrl", StackEndpoints.Current.DynamoDbUrl);
        builder.UseSetting("DynamoDb:TableName", TableName);
        builder.UseSetting("DynamoDb:CreateTableIfMissing", "true");
        builder.UseSetting("Storage:WriteBehind:FlushInterval", "00:00:00.050");
        // Kafka: topics and group of this silo's own (auto-created by the local broker), ingestion off unless asked.
        var kafka = StackEndpoints.Current;
        builder.UseSetting("Kafka:BootstrapServers", kafka.KafkaBootstrap);
        builder.UseSetting("Cluster:SiloPort", LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Cluster:ClusterId", TableName);
        builder.UseSetting("Kafka:IngestTopic", IngestTopic);
        builder.UseSetting("Kafka:DeadLetterTopic", DeadLetterTopic);
        builder.UseSetting("Kafka:ConsumerGroup", ConsumerGroup);
        builder.UseSetting("Ingestion:Enabled", "false");
        builder.UseSetting("Api:WriteApiKeys:0", WriteKey);
        builder.UseSetting("Api:AdminApiKeys:0", AdminKey);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>(StringComparer.Ordinal))
        {
            builder.UseSetting(key, value);
        }

        if (dynamoDb is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(dynamoDb));
        }

        if (services is not null)
        {
            builder.ConfigureServices(services); // after the silo's own: a registration here wins
        }

        if (logs is not null)
        {
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        }
    }
}
