using Orleans.Runtime;

namespace AccountMetadata.Silo.Metrics;

/// <summary>
/// Activations on this silo by grain type, as Orleans counts them (the management grain's statistics for the local
/// silo), refreshed once a second by the dashboard sampler so <c>/metrics</c> and the dashboard read a plain field.
/// Orleans keeps these counts per process, which is one silo in production. Per-method call statistics are the
/// Orleans Dashboard's job.
/// </summary>
public sealed class OrleansActivationCounts(IGrainFactory grains, ILocalSiloDetails silo)
{
    private volatile IReadOnlyList<ActivationCount> _latest = [];

    public IReadOnlyList<ActivationCount> Latest => _latest;

    public async Task RefreshAsync()
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics([silo.SiloAddress]).ConfigureAwait(false);
        _latest = [.. statistics
            .Where(s => !s.GrainType.StartsWith("Orleans", StringComparison.Ordinal))
            .GroupBy(s => ShortName(s.GrainType), StringComparer.Ordinal)
            .Select(g => new ActivationCount(g.Key, g.Sum(s => s.ActivationCount)))
            .OrderBy(c => c.Type, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The class name without assembly, namespace or generic arity, as operators name grains (Orleans reports
    /// "Namespace.Class,Assembly").
    /// </summary>
    public static string ShortName(string grainType)
    {
        ArgumentNullException.ThrowIfNull(grainType);
        var comma = grainType.IndexOf(',', StringComparison.Ordinal);
        var fullName = comma < 0 ? grainType : grainType[..comma];
        var name = fullName[(fullName.LastIndexOf('.') + 1)..];
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
