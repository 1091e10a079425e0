namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Optional (a keyed service under the provider's name): a reason to stop reading that the provider cannot see, such
/// as the silo's storage holding too much unwritten state. Asked before every read; null means read on.
/// </summary>
public interface IKafkaStreamBackpressure
{
    string? PauseReason();
}
