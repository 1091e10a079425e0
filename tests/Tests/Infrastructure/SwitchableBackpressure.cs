using AccountMetadata.Streaming.Kafka;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>A stream backpressure the test turns on and off: paused while <see cref="Reason"/> is set.</summary>
internal sealed class SwitchableBackpressure(string? reason) : IKafkaStreamBackpressure
{
    private volatile string? _reason = reason;

    public string? Reason
    {
        get => _reason;
        set => _reason = value;
    }

    public string? PauseReason() => _reason;
}
