using ErrorCode = Confluent.Kafka.ErrorCode;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// Fails writes fast while the brokers are known to be down, instead of letting each one wait out its own delivery
/// timeout: opened by librdkafka's "all brokers down" error or a delivery that failed for want of a broker; closed by
/// the next acknowledged delivery or by <paramref name="probe"/> (asked every <see cref="ProbeInterval"/> while open,
/// in the background, so no client's request is spent finding out that the brokers are back).
/// </summary>
public sealed class KafkaBrokerCircuit(TimeProvider time, Func<bool> probe, CancellationToken stopping)
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private long _openedAt; // 0: closed; else the timestamp it opened

    public bool IsOpen => Volatile.Read(ref _openedAt) != 0;

    /// <summary>How long the circuit has been open (zero when closed).</summary>
    public TimeSpan OpenFor => Volatile.Read(ref _openedAt) is var at and not 0 ? time.GetElapsedTime(at) : TimeSpan.Zero;

    /// <summary>The brokers acknowledged a delivery: they are back.</summary>
    public void Delivered() => Volatile.Write(ref _openedAt, 0);

    /// <summary>A producer error (its error handler, or a failed delivery): opens the circuit if it means no broker.</summary>
    public void Failed(ErrorCode code)
    {
        if (code is not (ErrorCode.Local_AllBrokersDown or ErrorCode.Local_MsgTimedOut or ErrorCode.Local_Transport or ErrorCode.Local_TimedOut))
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _openedAt, time.GetTimestamp(), 0) == 0)
        {
            _ = Task.Run(ProbeUntilClosedAsync, CancellationToken.None);
        }
    }

    private async Task ProbeUntilClosedAsync()
    {
        try
        {
            while (IsOpen)
            {
                await Task.Delay(ProbeInterval, time, stopping).ConfigureAwait(false);
                if (IsOpen && Answers())
                {
                    Delivered();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The provider is stopping.
        }
    }

    private bool Answers()
    {
        try
        {
            return probe();
        }
#pragma warning disable CA1031 // any failure of the probe means: still down
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
