using AccountMetadata.Runtime;
using AccountMetadata.Silo.Runtime;
using AccountMetadata.Silo.Storage.DynamoDb;
using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>
/// A silo (grain runtime, storage, API) in the test process, on the real DynamoDB Local, with a table of its own.
/// Disposing it stops the host gracefully, which flushes everything, like a real silo shutdown.
/// </summary>
public sealed class SiloFactory(string tableName, IReadOnlyDictionary<string, string?>? settings = null, Func<IServiceProvider, IAmazonDynamoDB>? dynamoDb = null)
    : WebApplicationFactory<Program>
{
    public string TableName { get; } = tableName;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public GrainRuntime Runtime => Services.GetRequiredService<GrainRuntime>();

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
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (dynamoDb is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(dynamoDb));
        }
    }
}
