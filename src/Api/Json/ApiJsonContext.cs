using System.Text.Json;
using System.Text.Json.Serialization;

namespace AccountMetadata.Api.Json;

/// <summary>Source-generated (reflection-free) JSON for the API's request bodies.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BatchGetRequest))]
[JsonSerializable(typeof(FeatureBatchAccepted))]
[JsonSerializable(typeof(EraseAccepted))]
[JsonSerializable(typeof(NamespaceList))]
[JsonSerializable(typeof(List<ItemProblem>))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
