using System.Text.Json;
using System.Text.Json.Serialization;

namespace AccountMetadata.Api.Json;

/// <summary>Source-generated (reflection-free) JSON for the API's request bodies.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BatchGetRequest))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
