using System.Globalization;

namespace AccountMetadata.Testing;

/// <summary>
/// Reads figures out of <c>/metrics</c> (Prometheus' text format, as OpenTelemetry's exporter writes it: every sample
/// carries labels, at least <c>otel_scope_name</c>).
/// </summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of <paramref name="metric"/>'s samples whose label text contains every one of
    /// <paramref name="labels"/> (e.g. <c>http_response_status_code="5</c>); 0 when it has none.
    /// </summary>
    public static double Sum(string text, string metric, params string[] labels)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sum = 0d;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length <= metric.Length || line[metric.Length] is not ('{' or ' '))
            {
                continue;
            }

            var valueAt = line.LastIndexOf(' ');
            var labelText = line[metric.Length..valueAt];
            if (labels.All(label => labelText.Contains(label, StringComparison.Ordinal)))
            {
                sum += double.Parse(line[(valueAt + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>The values of label <paramref name="label"/> over <paramref name="metric"/>'s samples.</summary>
    public static IReadOnlySet<string> LabelValues(string text, string metric, string label)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new HashSet<string>(StringComparer.Ordinal);
        var key = label + "=\"";
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(metric + "{", StringComparison.Ordinal) && line.IndexOf(key, StringComparison.Ordinal) is var at and >= 0)
            {
                var start = at + key.Length;
                values.Add(line[start..line.IndexOf('"', start)]);
            }
        }

        return values;
    }
}
