using System.Globalization;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Faults;

/// <summary>One drill's silo process (restartable), its table, topic and group on the fault stack, and the checks every drill ends with.</summary>
internal sealed class DrillSilo : IDisposable
{
    private const int Partitions = 8;
    private readonly Dictionary<string, string> _environment;

    private DrillSilo(string name, Dictionary<string, string> environment)
    {
        Names = SiloNames.Unique(name);
        _environment = environment;
    }

    /// <summary>Records a drill silo may hold read and not yet durable: also the most a crash or a stop replays.</summary>
    public const int MaxUncommittedMessages = 30_000;

    public SiloNames Names { get; }

    public string Table => Names.Table;

    public string Topic => Names.Topic;

    public string Group => Names.Group;

    public string Log => Names.LogFile;

    public SiloProcess Process { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public static async Task<DrillSilo> StartAsync(string name, Dictionary<string, string>? environment = null)
    {
        var drill = new DrillSilo(name, new Dictionary<string, string>(environment ?? [])
        {
            // Pause well before memory matters, so an outage shows the pause within seconds at drill rates.
            ["Ingestion__MaxUncommittedMessages"] = MaxUncommittedMessages.ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__AccountMetadata"] = "Information",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        });
        KafkaTopics.Create(drill.Topic);
        await drill.RestartAsync();
        return drill;
    }

    /// <summary>Starts the silo (again), on the same table, topic and group.</summary>
    public async Task RestartAsync()
    {
        Http?.Dispose();
        Process?.Dispose();
        Process = await SiloProcess.StartAsync(Names, "Warning", _environment);
        // Generous: a write during a broker outage answers 503 after Kafka:HttpWriteTimeout (5 s), later on a busy box.
        Http = new HttpClient { BaseAddress = Process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task<double> MetricAsync(string name) => Process.MetricAsync(Http, name);

    /// <summary>Waits until this life of the silo has applied <paramref name="features"/>; returns how many it had.</summary>
    public Task<double> WaitUntilAppliedAsync(double features, TimeSpan patience) =>
        Eventually.Until(() => MetricAsync("ingest_applied_total"), applied => applied >= features, patience, $"{features} applied");

    public Task WaitUntilCommittedToTheEndAsync() => TopicReader.WaitUntilCommittedToTheEndAsync(Topic, Group, Partitions);

    /// <summary>DynamoDB, item by item, against what the broker acknowledged: nothing lost, nothing older than expected.</summary>
    public Task AssertStoredAsync(ExpectedState expected) => DynamoDbReader.AssertStoredAsync(Table, expected, Log);

    public void Dispose()
    {
        Http?.Dispose();
        Process?.Dispose();
    }
}
