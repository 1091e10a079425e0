using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AccountMetadata.Bench.Suite;

/// <summary>Runs wrk (Debian's package) with a Lua script and reads its report.</summary>
internal static partial class Wrk
{
    public sealed record Report(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors, int Threads, int Connections, int Seconds);

    public static async Task<Report> RunAsync(Uri target, string luaScript, int threads, int connections, int seconds)
    {
        var script = Path.Combine(Path.GetTempPath(), $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, luaScript);
        try
        {
            var start = new ProcessStartInfo("wrk")
            {
                ArgumentList = { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--latency", "-s", script, target.ToString() },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"wrk failed: {await process.StandardError.ReadToEndAsync()}{output}");
            }

            return Parse(output, threads, connections, seconds);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static Report Parse(string output, int threads, int connections, int seconds)
    {
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socket = SocketErrors().Match(output) is { Success: true } s
            ? s.Groups.Cast<Group>().Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        return new Report(rps, Percentile(output, "50"), Percentile(output, "99"), requests, non2xx + socket, threads, connections, seconds);
    }

    private static double Percentile(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{percentile}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
