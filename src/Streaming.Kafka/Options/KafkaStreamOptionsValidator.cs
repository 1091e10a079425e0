using Orleans.Runtime;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>Refuses to start a silo whose Kafka stream provider is missing what it cannot run without.</summary>
internal sealed class KafkaStreamOptionsValidator(KafkaStreamOptions options, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        Require(!string.IsNullOrWhiteSpace(options.Topic), nameof(KafkaStreamOptions.Topic));
        Require(!string.IsNullOrWhiteSpace(options.ConsumerGroup), nameof(KafkaStreamOptions.ConsumerGroup));
        Require(!string.IsNullOrWhiteSpace(options.Consumer.BootstrapServers), $"{nameof(KafkaStreamOptions.Consumer)}.{nameof(options.Consumer.BootstrapServers)}");
        Require(!string.IsNullOrWhiteSpace(options.Producer.BootstrapServers), $"{nameof(KafkaStreamOptions.Producer)}.{nameof(options.Producer.BootstrapServers)}");
        Require(options.MaxMessagesPerRead > 0, nameof(KafkaStreamOptions.MaxMessagesPerRead));
        Require(options.MaxUncommittedMessages >= options.MaxMessagesPerRead, $"{nameof(KafkaStreamOptions.MaxUncommittedMessages)} (at least {nameof(KafkaStreamOptions.MaxMessagesPerRead)})");
        Require(options.MaxContainersPerDelivery > 0, nameof(KafkaStreamOptions.MaxContainersPerDelivery));
        Require(options.PartitionCount >= 0, nameof(KafkaStreamOptions.PartitionCount));
        Require(options.DeliveryRetryMinDelay > TimeSpan.Zero, nameof(KafkaStreamOptions.DeliveryRetryMinDelay));
        Require(options.DeliveryRetryMaxDelay >= options.DeliveryRetryMinDelay, $"{nameof(KafkaStreamOptions.DeliveryRetryMaxDelay)} (at least {nameof(KafkaStreamOptions.DeliveryRetryMinDelay)})");
    }

    private void Require(bool valid, string setting)
    {
        if (!valid)
        {
            throw new OrleansConfigurationException($"Kafka stream provider '{name}': {setting} is missing or invalid.");
        }
    }
}
