using System.Text.Json;
using AccountMetadata.Api.Json;
using AccountMetadata.Grains;

namespace AccountMetadata.Api.Results;

/// <summary><c>{"accountId", "namespace", "features": {...}, "updatedAt"}</c>.</summary>
internal sealed class NamespaceResult(string accountId, NamespaceFeatures features) : JsonBodyResult
{
    protected override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("accountId", accountId);
        writer.WriteString("namespace", features.Namespace);
        writer.WritePropertyName("features");
        FeatureJsonWriter.WriteFeatures(writer, features);
        FeatureJsonWriter.WriteUpdatedAt(writer, features.UpdatedAt);
        writer.WriteEndObject();
    }
}
