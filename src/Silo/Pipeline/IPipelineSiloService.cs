using Orleans.Services;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>
/// One per silo (an Orleans grain service): hands out that silo's latest <see cref="PipelineSnapshot"/> so any silo
/// can show the whole cluster. The snapshot travels as the pipeline API's own JSON: it is only ever rendered.
/// </summary>
[Alias("AccountMetadata.Silo.Pipeline.IPipelineSiloService")]
public interface IPipelineSiloService : IGrainService
{
    [Alias("GetSnapshotJson")]
    Task<Immutable<byte[]>> GetSnapshotJsonAsync();
}
