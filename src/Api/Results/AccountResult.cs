using System.Text.Json;
using AccountMetadata.Api.Json;
using AccountMetadata.Grains;

namespace AccountMetadata.Api.Results;

/// <summary><c>{"accountId", "namespaces": {"orders": {...}}}</c>.</summary>
internal sealed class AccountResult(string accountId, IReadOnlyList<NamespaceFeatures> namespaces) : JsonBodyResult
{
    protected override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("accountId", accountId);
        writer.WritePropertyName("namespaces");
        FeatureJsonWriter.WriteNamespaces(writer, namespaces, only: null);
        writer.WriteEndObject();
    }
}
