using System.Globalization;

namespace AccountMetadata.Bench.Suite;

/// <summary>One wrk run against a silo, and the managed bytes the silo allocated per request during it.</summary>
internal sealed record MeasuredReads(Wrk.Report Reads, double AllocatedBytesPerRequest)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Reads.RequestsPerSecond:N0} req/s (p99 {Reads.P99Ms:F2} ms, {Reads.Errors} errors, {AllocatedBytesPerRequest:N0} B allocated each)");
}
