using Orleans.Runtime;

namespace AccountMetadata.Grains;

/// <summary>
/// References to account grains without Orleans' per-call type resolution. <c>GetGrain&lt;IAccountGrain&gt;(id)</c>
/// resolves the interface's grain interface type and grain type on every call (reading the interface's attributes,
/// formatting its name: about 1 KB allocated, and most of the cost of a hot read's reference); both are fixed, so they
/// are resolved once and each reference costs its key bytes and the proxy.
/// </summary>
public sealed class AccountGrainReferences(IGrainFactory grains)
{
    private Resolved? _resolved;

    /// <summary>The grain of the account with this id.</summary>
    public IAccountGrain Get(string accountId)
    {
        var resolved = _resolved ??= Resolve();
        return (IAccountGrain)grains.GetGrain(GrainId.Create(resolved.Type, accountId), resolved.Interface);
    }

    /// <summary>The grain of the account whose id is these UTF-8 bytes (a stream key): no string in between.</summary>
    public IAccountGrain Get(ReadOnlyMemory<byte> accountIdUtf8)
    {
        var resolved = _resolved ??= Resolve();
        return (IAccountGrain)grains.GetGrain(GrainId.Create(resolved.Type, new IdSpan(accountIdUtf8.ToArray())), resolved.Interface);
    }

    /// <summary>
    /// Lazily, because the cluster manifest that maps the interface to its grain class is complete only once the
    /// silo or client runs; two threads resolving at once compute the same values.
    /// </summary>
    private Resolved Resolve()
    {
        var template = (GrainReference)grains.GetGrain<IAccountGrain>("template");
        return new Resolved(template.GrainId.Type, template.InterfaceType);
    }

    private sealed record Resolved(GrainType Type, GrainInterfaceType Interface);
}
