using Confluent.Kafka;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>Settings of one Kafka stream provider (named options, one per provider name).</summary>
public sealed class KafkaStreamOptions
{
    /// <summary>The topic whose partitions are this provider's queues (one partition, one Orleans queue).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary>
    /// The consumer group the committed offsets are stored under. Receivers assign their partition by hand (Orleans'
    /// queue balancer decides who pulls what); the group only keeps the offsets.
    /// </summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary>Where records the mapper cannot turn into events go, with the reason; null refuses to start such a mapper's dead letters.</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>
    /// False: this silo only produces (the stream API writes to the topic) and pulls no partition, so Orleans' queue
    /// balancer gives its share to the silos that do.
    /// </summary>
    public bool Pull { get; set; } = true;

    /// <summary>Partitions of <see cref="Topic"/>; 0 reads the count from the broker the first time it is needed.</summary>
    public int PartitionCount { get; set; }

    /// <summary>
    /// The consumer's librdkafka settings (bootstrap servers, security...). The receiver sets what its contract needs
    /// on a copy: no auto-commit, no automatic offset store, its own assignment; batched fetches unless set here.
    /// </summary>
    public ConsumerConfig Consumer { get; set; } = new();

    /// <summary>The producer's settings, for events produced through the stream API and for dead letters.</summary>
    public ProducerConfig Producer { get; set; } = new();

    /// <summary>Records taken from a partition per read; the mapper sees them together (one container per stream per read).</summary>
    public int MaxMessagesPerRead { get; set; } = 10_000;

    /// <summary>Durable offsets are committed at most this often per partition.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Records read by the silo (all its partitions) and not yet committable (waiting for delivery, for a consumer
    /// that acknowledges durable state only, or for a dead-letter acknowledgement) before its partitions stop being
    /// read: bounds memory, and what a crash replays, while consumers are slow.
    /// </summary>
    public int MaxUncommittedMessages { get; set; } = 500_000;

    /// <summary>
    /// A graceful stop first stops reading and waits this long for what was read to be delivered and committed,
    /// so the partitions' next owners replay nothing; past it, they replay what is left.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Pending containers of one stream delivered together in one call when its consumer was busy: a slow consumer
    /// gets fewer, larger deliveries instead of a queue of small ones.
    /// </summary>
    public int MaxContainersPerDelivery { get; set; } = 256;

    /// <summary>
    /// The first wait before the pulling agent retries a failed delivery or a new stream's handshake with its consumer;
    /// each further retry may wait up to twice as long, up to <see cref="DeliveryRetryMaxDelay"/>
    /// (<see cref="KafkaDeliveryBackoff"/>).
    /// </summary>
    public TimeSpan DeliveryRetryMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two attempts of one delivery or handshake.</summary>
    public TimeSpan DeliveryRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for the broker's partition count at start.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
