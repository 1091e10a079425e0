using System.Text.Json;
using System.Text.Json.Serialization;

namespace AccountMetadata.Silo.Hosting;

/// <summary>Source-generated JSON for the silo's own endpoints.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthStatus))]
internal sealed partial class SiloJsonContext : JsonSerializerContext;
