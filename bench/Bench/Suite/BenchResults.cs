using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AccountMetadata.Bench.Suite;

/// <summary>The flat result object (bench/results/latest.json) and its Markdown table.</summary>
internal sealed class BenchResults
{
    private readonly SortedDictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly List<(string Metric, string Key, string Target, Func<double, bool>? Meets)> _rows = [];

    public void Set(string key, double value) => _values[key] = Math.Round(value, 3);

    public void Set(string key, string value) => _values[key] = value;

    public double Get(string key) => _values.TryGetValue(key, out var v) && v is double d ? d : double.NaN;

    /// <summary>A row of the Markdown table; <paramref name="meets"/> null when the figure has no target.</summary>
    public void Row(string metric, string key, string target = "", Func<double, bool>? meets = null) => _rows.Add((metric, key, target, meets));

    public async Task WriteAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "latest.json"),
            JsonSerializer.Serialize(_values, BenchJsonContext.Default.SortedDictionaryStringObject) + "\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "latest.md"), Markdown());
    }

    public string Markdown()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Machine: {_values["machine"]}. Date: {_values["date"]}. Command: `{_values.GetValueOrDefault("command", "scripts/bench")}`.\n\n");
        text.Append("| measure | value | target | met |\n|---|---:|---|---|\n");
        foreach (var (metric, key, target, meets) in _rows)
        {
            var value = Get(key);
            var verdict = meets is null || double.IsNaN(value) ? "" : meets(value) ? "yes" : "**no**";
            text.Append(CultureInfo.InvariantCulture, $"| {metric} | {(double.IsNaN(value) ? "n/a" : value.ToString("#,0.###", CultureInfo.InvariantCulture))} | {target} | {verdict} |\n");
        }

        return text.ToString();
    }
}
