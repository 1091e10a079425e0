namespace AccountMetadata.Silo.Kafka;

/// <summary>Which kind of broker the clients talk to.</summary>
public enum KafkaClientProfile
{
    /// <summary>A current Kafka (KRaft or ZooKeeper, 2.x+): protocol negotiation on, librdkafka defaults.</summary>
    Production,

    /// <summary>
    /// The local development broker, Apache Kafka 0.9.0.1: no ApiVersions request, a pinned protocol fallback and
    /// a session timeout the old group coordinator accepts. Never used against a real cluster.
    /// </summary>
    Local,
}
