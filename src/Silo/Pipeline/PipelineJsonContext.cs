using System.Text.Json;
using System.Text.Json.Serialization;
using AccountMetadata.Grains;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>Source-generated JSON for the pipeline view's API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PipelineSnapshot))]
[JsonSerializable(typeof(IReadOnlyList<LogEntry>))]
[JsonSerializable(typeof(AccountStateView))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
