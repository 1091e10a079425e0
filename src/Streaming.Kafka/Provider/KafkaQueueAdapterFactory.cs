using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// The provider's root, one per provider name and silo: the queue mapper (partitions, read from the broker once),
/// a cache and a receiver per partition this silo is given, the producers, the failure handler.
/// </summary>
public sealed partial class KafkaQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapterCache, IDisposable
{
    private readonly string _name;
    private readonly IKafkaStreamBackpressure? _backpressure;
    private readonly IKafkaDeliveryConfirmation? _confirmation;
    private readonly KafkaStreamStatistics _statistics;
    private readonly KafkaStreamDrain _drain;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly KafkaStreamFailureHandler _failureHandler;
    private readonly ConcurrentDictionary<QueueId, PartitionSession> _sessions = new();
    private readonly Lazy<KafkaQueueMapper> _queueMapper;
    private readonly Lazy<IProducer<byte[]?, byte[]>> _producer;
    private readonly Lazy<IProducer<byte[]?, byte[]>> _deadLetters;
    private readonly CancellationTokenSource _stopping = new();

    public KafkaQueueAdapterFactory(
        string name,
        KafkaStreamOptions options,
        IKafkaMessageMapper mapper,
        IKafkaStreamBackpressure? backpressure,
        IKafkaDeliveryConfirmation? confirmation,
        KafkaStreamStatistics statistics,
        KafkaStreamDrain drain,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _drain = drain;
        ArgumentNullException.ThrowIfNull(loggers);
        _name = name;
        Options = options;
        Mapper = mapper;
        _backpressure = backpressure;
        _confirmation = confirmation;
        _statistics = statistics;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<KafkaQueueAdapterFactory>();
        _failureHandler = new KafkaStreamFailureHandler(name, _logger);
        Circuit = new KafkaBrokerCircuit(time, BrokersAnswer, _stopping.Token);
        _producer = new(() => new ProducerBuilder<byte[]?, byte[]>(options.Producer)
            .SetErrorHandler((_, error) => Circuit.Failed(error.Code))
            .SetLogHandler((_, message) => LogLibrdkafka(_logger, name, message.Facility, message.Message)) // not raw to stderr
            .Build());
        _deadLetters = new(() => new ProducerBuilder<byte[]?, byte[]>(DeadLetterProducerConfig(options.Producer))
            .SetLogHandler((_, message) => LogLibrdkafka(_logger, name, message.Facility, message.Message))
            .Build());

        // Not cached on failure: a topic created after the silo started is found on the next attempt.
        _queueMapper = new(() => new KafkaQueueMapper(name, PartitionCount()), LazyThreadSafetyMode.PublicationOnly);
    }

    public static KafkaQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new KafkaQueueAdapterFactory(
            name,
            services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name),
            services.GetRequiredKeyedService<IKafkaMessageMapper>(name),
            services.GetKeyedService<IKafkaStreamBackpressure>(name),
            services.GetKeyedService<IKafkaDeliveryConfirmation>(name),
            services.GetRequiredKeyedService<KafkaStreamStatistics>(name),
            services.GetRequiredKeyedService<KafkaStreamDrain>(name),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>());
    }

    internal KafkaStreamOptions Options { get; }

    /// <summary>Whether the brokers are known to be down: writes then fail fast (see <see cref="KafkaBrokerCircuit"/>).</summary>
    internal KafkaBrokerCircuit Circuit { get; }

    internal KafkaStreamStatistics Statistics => _statistics;

    internal IKafkaMessageMapper Mapper { get; }

    internal KafkaQueueMapper QueueMapper => _queueMapper.Value;

    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(new KafkaQueueAdapter(_name, this, _producer.Value));

    public IQueueAdapterCache GetQueueAdapterCache() => this;

    public IStreamQueueMapper GetStreamQueueMapper() => QueueMapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult<IStreamFailureHandler>(_failureHandler);

    /// <summary>The pulling agent creates a partition's cache first, then its receiver: the cache opens the session.</summary>
    public IQueueCache CreateQueueCache(QueueId queueId)
    {
        var session = new PartitionSession(QueueMapper.PartitionOf(queueId), _statistics);
        var cache = new KafkaQueueCache(session, Options, _statistics, _drain, _backpressure, _confirmation, _logger);
        session.Cache = cache;
        _sessions[queueId] = session;
        return cache;
    }

    internal KafkaQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var session = _sessions.TryGetValue(queueId, out var opened) ? opened : new PartitionSession(QueueMapper.PartitionOf(queueId), _statistics);
        return new KafkaQueueAdapterReceiver(
            _name, session, Options, Mapper, _deadLetters.Value, _statistics, _time, _loggers.CreateLogger<KafkaQueueAdapterReceiver>());
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        foreach (var producer in new[] { _producer, _deadLetters })
        {
            if (producer.IsValueCreated)
            {
                producer.Value.Flush(TimeSpan.FromSeconds(10));
                producer.Value.Dispose();
            }
        }
    }

    /// <summary>The circuit's probe: a broker answers a metadata request for the topic (through the producer's connections).</summary>
    private bool BrokersAnswer()
    {
        using var admin = new DependentAdminClientBuilder(_producer.Value.Handle).Build();
        return admin.GetMetadata(Options.Topic, KafkaBrokerCircuit.ProbeInterval).Brokers.Count > 0;
    }

    private int PartitionCount()
    {
        if (Options.PartitionCount > 0)
        {
            return Options.PartitionCount;
        }

        // A topic the broker creates on first use answers without a leader for a moment; its partitions are known.
        using var admin = new DependentAdminClientBuilder(_producer.Value.Handle).Build();
        var deadline = _time.GetUtcNow() + Options.MetadataTimeout;
        while (true)
        {
            var topic = admin.GetMetadata(Options.Topic, Options.MetadataTimeout).Topics.SingleOrDefault(t => t.Topic == Options.Topic);
            if (topic is { Partitions.Count: > 0 })
            {
                LogPartitions(_logger, _name, Options.Topic, topic.Partitions.Count);
                return topic.Partitions.Count;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new InvalidOperationException(
                    $"Kafka stream provider '{_name}': topic {Options.Topic} has no partitions ({topic?.Error.Reason ?? "not found"}); create it, or set {nameof(KafkaStreamOptions.PartitionCount)}.");
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Dead letters must not give up: librdkafka's default delivery timeout, then the receiver retries.</summary>
    private static ProducerConfig DeadLetterProducerConfig(ProducerConfig producer)
    {
        var settings = producer.Where(setting => setting.Key is not ("message.timeout.ms" or "delivery.timeout.ms"))
            .ToDictionary(setting => setting.Key, setting => setting.Value);
        return new ProducerConfig(settings);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {Provider}: topic {Topic} has {Partitions} partitions, one queue each")]
    private static partial void LogPartitions(ILogger logger, string provider, string topic, int partitions);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream provider {Provider}: librdkafka producer {Facility}: {Message}")]
    private static partial void LogLibrdkafka(ILogger logger, string provider, string facility, string message);
}
