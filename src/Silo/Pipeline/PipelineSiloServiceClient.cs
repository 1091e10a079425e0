using Orleans.Runtime.Services;
using Orleans.Services;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>Reaches the <see cref="IPipelineSiloService"/> of a given silo.</summary>
public interface IPipelineSiloServiceClient : IGrainServiceClient<IPipelineSiloService>
{
    IPipelineSiloService OnSilo(SiloAddress silo);
}

/// <inheritdoc cref="IPipelineSiloServiceClient"/>
public sealed class PipelineSiloServiceClient(IServiceProvider services)
    : GrainServiceClient<IPipelineSiloService>(services), IPipelineSiloServiceClient
{
    public IPipelineSiloService OnSilo(SiloAddress silo) => GetGrainService(silo);
}
