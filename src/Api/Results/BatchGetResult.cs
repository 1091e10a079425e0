using System.Text.Json;
using AccountMetadata.Api.Json;
using AccountMetadata.Grains;

namespace AccountMetadata.Api.Results;

/// <summary><c>{"accounts": {"id": {"orders": {...}}}, "notFound": ["id", ...]}</c>.</summary>
internal sealed class BatchGetResult(
    IReadOnlyList<string> accountIds,
    IReadOnlyList<NamespaceFeatures>[] namespaces,
    IReadOnlyCollection<string>? only) : JsonBodyResult
{
    protected override void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("accounts");
        writer.WriteStartObject();
        for (var i = 0; i < accountIds.Count; i++)
        {
            if (HasAny(namespaces[i]))
            {
                writer.WritePropertyName(accountIds[i]);
                FeatureJsonWriter.WriteNamespaces(writer, namespaces[i], only);
            }
        }

        writer.WriteEndObject();
        writer.WriteStartArray("notFound");
        for (var i = 0; i < accountIds.Count; i++)
        {
            if (!HasAny(namespaces[i]))
            {
                writer.WriteStringValue(accountIds[i]);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private bool HasAny(IReadOnlyList<NamespaceFeatures> account) =>
        only is null ? account.Count > 0 : account.Any(ns => only.Contains(ns.Namespace));
}
