using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AccountMetadata.Silo.Metrics;

/// <summary>
/// Makes the Orleans Dashboard's silo counters show real figures. Microsoft.Orleans.Dashboard 10.4.2 collects the meter
/// named "Orleans" (DashboardHost: <c>AddMeter("Orleans")</c>), but Orleans 10 publishes its instruments on
/// "Microsoft.Orleans" (OrleansInstruments), so every counter on the dashboard's silo page read nothing. This listens
/// to "Microsoft.Orleans" and republishes each instrument, under the same name, on a meter named "Orleans": counters
/// and up-down counters as running totals, observable instruments as their current value, histograms as their running
/// sum (what the dashboard's exporter shows of a histogram), each summed over its tags (the dashboard keeps one value
/// per name). Remove it when the dashboard listens to "Microsoft.Orleans".
/// </summary>
public sealed class OrleansMeterMirror : IHostedService, IDisposable
{
    public const string SourceMeterName = "Microsoft.Orleans";
    public const string MirrorMeterName = "Orleans";

    /// <summary>Observable instruments are read once per collection, not once per mirrored instrument.</summary>
    private static readonly TimeSpan ObservationReuse = TimeSpan.FromMilliseconds(250);

    private readonly Meter _mirror = new(MirrorMeterName);
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, MirroredValue> _values = new();
    private readonly Lock _observing = new();
    private long _observedAt;

    /// <param name="meters">This silo's meter factory: only its Orleans meter is mirrored (listeners are process-wide).</param>
    public OrleansMeterMirror(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SourceMeterName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                var value = _values.GetOrAdd(instrument, i => Publish(i));
                listener.EnableMeasurementEvents(instrument, value);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, measurement, _, state) => ((MirroredValue)state!).Record(measurement));
        _listener.SetMeasurementEventCallback<int>((_, measurement, _, state) => ((MirroredValue)state!).Record(measurement));
        _listener.SetMeasurementEventCallback<double>((_, measurement, _, state) => ((MirroredValue)state!).Record(measurement));
        _listener.SetMeasurementEventCallback<float>((_, measurement, _, state) => ((MirroredValue)state!).Record(measurement));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _listener.Dispose();
        _mirror.Dispose();
    }

    private MirroredValue Publish(Instrument source)
    {
        var type = source.GetType().GetGenericTypeDefinition();
        var observable = source.IsObservable;
        var value = new MirroredValue(resetEachObservation: observable);
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>) || type == typeof(Histogram<>))
        {
            _mirror.CreateObservableCounter(source.Name, () => Observe(value), source.Unit, source.Description);
        }
        else
        {
            _mirror.CreateObservableGauge(source.Name, () => Observe(value), source.Unit, source.Description);
        }

        return value;
    }

    private double Observe(MirroredValue value)
    {
        if (value.ResetEachObservation)
        {
            lock (_observing)
            {
                var now = Stopwatch.GetTimestamp();
                if (Stopwatch.GetElapsedTime(_observedAt, now) >= ObservationReuse)
                {
                    foreach (var mirrored in _values.Values)
                    {
                        mirrored.BeginObservation();
                    }

                    _listener.RecordObservableInstruments(); // each observable's current values land in Record
                    _observedAt = now;
                }
            }
        }

        return value.Current;
    }

    /// <summary>One mirrored instrument's figure: a running total, or the sum of the latest observation's values.</summary>
    private sealed class MirroredValue(bool resetEachObservation)
    {
        private double _total;

        public bool ResetEachObservation { get; } = resetEachObservation;

        public double Current => Volatile.Read(ref _total);

        public void BeginObservation()
        {
            if (ResetEachObservation)
            {
                Volatile.Write(ref _total, 0);
            }
        }

        public void Record(double measurement)
        {
            var seen = Volatile.Read(ref _total);
            while (true)
            {
                var found = Interlocked.CompareExchange(ref _total, seen + measurement, seen);
                if (found.Equals(seen))
                {
                    return;
                }

                seen = found;
            }
        }
    }
}
