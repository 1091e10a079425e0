using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace AccountMetadata.Testing;

/// <summary>
/// A feature store producing at a steady rate on its own thread, across a fixed set of accounts. Every message
/// carries a timestamp higher than all before it, so any update a silo finds already stored is a replay. What the
/// broker acknowledged is recorded in <see cref="Expected"/>: the state DynamoDB must end in.
/// </summary>
public sealed class SteadyIngest : IDisposable
{
    private static readonly (string Namespace, string Feature)[] Features =
    [
        ("orders", "total_orders"), ("orders", "orders_last_30d"), ("rewards", "points"), ("segments", "ltv_bucket"), ("preferences", "cuisine"),
    ];

    /// <summary>
    /// Seconds of the rate the producer's local queue holds: a broker outage of a drill (20 s, plus the broker's stop
    /// and start and librdkafka's reconnect on a busy machine) must not hold the generator back, or it falls behind
    /// its rate and the drill tests less load than it says.
    /// </summary>
    private const int LocalQueueSeconds = 180;

    private static readonly TimeSpan FlushPatience = TimeSpan.FromSeconds(90);

    private readonly FeatureProducer _producer;
    private readonly string _topic;
    private readonly int _accounts;
    private readonly int _perSecond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly long _epoch = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
    private long _acknowledged;
    private long _failed;
    private TimeSpan _producingFor;

    private SteadyIngest(string topic, int accounts, int perSecond)
    {
        _topic = topic;
        _accounts = accounts;
        _perSecond = perSecond;
        _producer = new FeatureProducer(localQueueMessages: Math.Max(100_000, perSecond * LocalQueueSeconds));
        _thread = new Thread(Run) { IsBackground = true, Name = "steady-ingest" };
    }

    public ExpectedState Expected { get; } = new();

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Acknowledged messages per second over the producing period (known after <see cref="StopAsync"/>).</summary>
    public double AchievedRate => Acknowledged / _producingFor.TotalSeconds;

    public static string AccountId(int account) => $"drill-{account}";

    public static SteadyIngest Start(string topic, int accounts, int perSecond)
    {
        var ingest = new SteadyIngest(topic, accounts, perSecond);
        ingest._thread.Start();
        return ingest;
    }

    /// <summary>Waits (on the acknowledgement count, not the clock) for <paramref name="more"/> acknowledgements.</summary>
    public Task WaitForMoreAsync(long more, TimeSpan patience)
    {
        var target = Acknowledged + more;
        return Eventually.Until(() => Acknowledged >= target, patience, $"{target} messages acknowledged by the broker");
    }

    /// <summary>Stops producing and waits until the broker acknowledged (or finally refused) everything sent.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        _thread.Join();
        var undelivered = await Task.Run(() => _producer.Flush(FlushPatience));
        _producer.Dispose();
        if (undelivered > 0)
        {
            throw new TimeoutException($"{undelivered} messages had no delivery report {FlushPatience.TotalSeconds:0} s after the ingest stopped");
        }
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            _thread.Join();
            _producer.Dispose();
        }

        _stop.Dispose();
    }

    private void Run()
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (!_stop.IsCancellationRequested)
        {
            for (var due = (long)(clock.Elapsed.TotalSeconds * _perSecond); sent < due && !_stop.IsCancellationRequested;)
            {
                if (TryProduce(sent))
                {
                    sent++;
                }
                else
                {
                    Thread.Sleep(50); // the local queue is full (broker away): librdkafka drains it when it returns
                }
            }

            Thread.Sleep(2); // pacing the load generator, not synchronisation
        }

        _producingFor = clock.Elapsed;
    }

    private bool TryProduce(long sequence)
    {
        var account = AccountId((int)(sequence % _accounts));
        var (ns, feature) = Features[(int)(sequence / _accounts % Features.Length)];
        var value = feature switch
        {
            "ltv_bucket" => (sequence % 11).ToString(CultureInfo.InvariantCulture),
            "cuisine" => $"cuisine-{sequence % 50}",
            _ => sequence.ToString(CultureInfo.InvariantCulture),
        };
        var timestamp = _epoch + sequence;
        try
        {
            _producer.Produce(_topic, account, FeatureProducer.Feature(account, ns, feature, value, timestamp), report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref _failed);
                    return;
                }

                Expected.Observe(account, ns, feature, value, timestamp); // reports arrive on one thread
                Interlocked.Increment(ref _acknowledged);
            });
            return true;
        }
        catch (ProduceException<string, byte[]> exception) when (exception.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
        {
            return false;
        }
    }
}
