namespace AccountMetadata.Silo.Kafka;

/// <summary>Configuration section <c>Kafka</c>.</summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    public string BootstrapServers { get; set; } = "127.0.0.1:9092";

    public KafkaClientProfile Profile { get; set; } = KafkaClientProfile.Production;

    public string IngestTopic { get; set; } = "account-features";

    public string DeadLetterTopic { get; set; } = "account-features-dlq";

    public string ConsumerGroup { get; set; } = "account-metadata";

    /// <summary>
    /// How long an HTTP write waits for the broker's acknowledgement before it answers 503: a client retrying
    /// after a few seconds is better served than one holding a connection while the broker is away.
    /// </summary>
    public TimeSpan HttpWriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Raw librdkafka settings applied last, for tuning without a release.</summary>
    public Dictionary<string, string> ClientSettings { get; } = new(StringComparer.Ordinal);
}
