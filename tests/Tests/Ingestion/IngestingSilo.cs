using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Tests.Infrastructure;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>Settings and observations shared by the tests that run a silo with Kafka ingestion on.</summary>
internal static class IngestingSilo
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A silo ingesting its own new topic; <paramref name="dynamoDb"/> replaces its DynamoDB client (to inject faults),
    /// <paramref name="services"/> registers over the silo's own services.
    /// </summary>
    public static SiloFactory Create(
        string name,
        Dictionary<string, string?>? extra = null,
        Func<IServiceProvider, IAmazonDynamoDB>? dynamoDb = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Ingestion:Enabled"] = "true",
            ["Ingestion:CommitInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var silo = new SiloFactory(StackEndpoints.UniqueName(name), settings, dynamoDb, services: services);
        KafkaTopics.Create(silo.IngestTopic);
        return silo;
    }

    public static IngestionMetrics Metrics(this SiloFactory silo) => silo.Services.GetRequiredService<IngestionMetrics>();


    /// <summary>Waits until the silo has consumed <paramref name="count"/> messages and committed everything.</summary>
    public static async Task WaitUntilCommittedAsync(this SiloFactory silo, long count)
    {
        var metrics = silo.Metrics();
        await Eventually.Until(() => metrics.Consumed.Value >= count, Patience, $"consumed {count}");
        await Eventually.Until(
            () => Task.FromResult(TopicReader.CommittedVersusEnd(silo.IngestTopic, silo.ConsumerGroup, 8)),
            o => o.Committed == o.End && o.End >= count,
            Patience,
            "offsets committed up to the end");
    }
}
