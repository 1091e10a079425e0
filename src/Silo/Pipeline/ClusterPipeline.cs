using System.Buffers;
using System.Text.Json;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>
/// <c>GET /pipeline/api/cluster</c>: every active silo's snapshot, gathered through its
/// <see cref="IPipelineSiloService"/> in parallel. A silo that does not answer within <see cref="PerSiloTimeout"/>
/// is listed with the error instead (the view must show a sick cluster, not wait for it).
/// </summary>
public sealed class ClusterPipeline(IGrainFactory grains, IPipelineSiloServiceClient silos, ILocalSiloDetails local, TimeProvider time)
{
    public static readonly TimeSpan PerSiloTimeout = TimeSpan.FromSeconds(2);

    public async Task<byte[]> GatherJsonAsync()
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        var addresses = hosts.Keys.OrderBy(a => a.ToString(), StringComparer.Ordinal).ToArray();
        var answers = await Task.WhenAll(addresses.Select(AskAsync)).ConfigureAwait(false);

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("at", time.GetUtcNow());
            writer.WriteString("servedBy", local.SiloAddress.ToString());
            writer.WriteStartArray("silos");
            for (var i = 0; i < addresses.Length; i++)
            {
                if (answers[i].Json is { } json)
                {
                    writer.WriteRawValue(json, skipInputValidation: true); // our own serializer wrote it
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteString("siloAddress", addresses[i].ToString());
                    writer.WriteString("error", answers[i].Error);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task<(byte[]? Json, string? Error)> AskAsync(SiloAddress silo)
    {
        try
        {
            var snapshot = await silos.OnSilo(silo).GetSnapshotJsonAsync().WaitAsync(PerSiloTimeout).ConfigureAwait(false);
            return (snapshot.Value, null);
        }
#pragma warning disable CA1031 // any failure of one silo is shown for that silo; the others are still shown
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return (null, exception is TimeoutException ? $"no answer within {PerSiloTimeout.TotalSeconds:0} s" : exception.Message);
        }
    }
}
