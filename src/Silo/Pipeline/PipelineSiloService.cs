using System.Text.Json;
using Orleans.Runtime;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>This silo's side of the cluster-wide pipeline view: the local sampler's latest snapshot, as JSON.</summary>
public sealed class PipelineSiloService(GrainId grainId, Orleans.Runtime.Silo silo, ILoggerFactory loggerFactory, PipelineSampler sampler)
    : GrainService(grainId, silo, loggerFactory), IPipelineSiloService
{
    public Task<Immutable<byte[]>> GetSnapshotJsonAsync() =>
        Task.FromResult(JsonSerializer.SerializeToUtf8Bytes(sampler.Latest, PipelineJsonContext.Default.PipelineSnapshot).AsImmutable());
}
