using System.Diagnostics.Metrics;

namespace AccountMetadata.Diagnostics;

/// <summary>
/// Publishes figures the hot paths already keep (striped counters, plain fields) as OpenTelemetry-visible
/// observable instruments: read when a collector asks (once per scrape or export), never on the hot path.
/// </summary>
public static class ObservedInstruments
{
    public static void Counter(this Meter meter, string name, string? unit, string description, StripedCounter counter, params KeyValuePair<string, object?>[] tags)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableCounter(name, () => new Measurement<long>(counter.Value, tags), unit, description);
    }

    public static void Counter(this Meter meter, string name, string? unit, string description, Func<long> read, params KeyValuePair<string, object?>[] tags)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableCounter(name, () => new Measurement<long>(read(), tags), unit, description);
    }

    public static void Gauge(this Meter meter, string name, string? unit, string description, Func<double> read, params KeyValuePair<string, object?>[] tags)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge(name, () => new Measurement<double>(read(), tags), unit, description);
    }
}
