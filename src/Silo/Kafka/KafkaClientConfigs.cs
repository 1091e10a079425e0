using Confluent.Kafka;

namespace AccountMetadata.Silo.Kafka;

/// <summary>Builds librdkafka client configurations from <see cref="KafkaOptions"/>, profile settings included.</summary>
public static class KafkaClientConfigs
{
    /// <summary>The settings Apache Kafka 0.9 needs; see <see cref="KafkaClientProfile.Local"/>.</summary>
    private static readonly KeyValuePair<string, string>[] LocalBrokerSettings =
    [
        new("api.version.request", "false"),
        new("broker.version.fallback", "0.9.0.1"),

        // librdkafka 2.x flags the two settings above as deprecated, at every client start; errors still show.
        new("log_level", "3"),
    ];

    /// <param name="deliveryTimeout">
    /// How long librdkafka keeps trying before it fails a message; null keeps its default (5 minutes), right for a
    /// producer that must not give up, like the dead-letter one.
    /// </param>
    public static ProducerConfig Producer(KafkaOptions options, TimeSpan? deliveryTimeout = null) => Apply(new ProducerConfig
    {
        MessageTimeoutMs = deliveryTimeout is { } timeout ? (int)timeout.TotalMilliseconds : null,
        BootstrapServers = options.BootstrapServers,
        Acks = Acks.All,
        LingerMs = 5,
        Partitioner = Partitioner.Murmur2Random, // Java-compatible: see KafkaPartitioner
        // Idempotence needs the modern protocol; 0.9 brokers refuse it.
        EnableIdempotence = options.Profile == KafkaClientProfile.Production,
    }, options);

    public static ConsumerConfig Consumer(KafkaOptions options, string groupId) => Apply(new ConsumerConfig
    {
        BootstrapServers = options.BootstrapServers,
        GroupId = groupId,
        EnableAutoCommit = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        SessionTimeoutMs = options.Profile == KafkaClientProfile.Local ? 10_000 : 45_000,
    }, options);

    public static AdminClientConfig Admin(KafkaOptions options) =>
        Apply(new AdminClientConfig { BootstrapServers = options.BootstrapServers }, options);

    private static T Apply<T>(T config, KafkaOptions options)
        where T : ClientConfig
    {
        _ = KafkaLibrary.Version;
        if (options.Profile == KafkaClientProfile.Local)
        {
            foreach (var (key, value) in LocalBrokerSettings)
            {
                config.Set(key, value);
            }
        }

        foreach (var (key, value) in options.ClientSettings)
        {
            config.Set(key, value);
        }

        return config;
    }
}
