using System.Text.Json;
using AccountMetadata.Grains;

namespace AccountMetadata.Api.Json;

/// <summary>Writes namespace snapshots straight from grain memory into a response, no intermediate objects.</summary>
internal static class FeatureJsonWriter
{
    public static void WriteFeatures(Utf8JsonWriter writer, NamespaceFeatures features)
    {
        writer.WriteStartObject();
        for (var i = 0; i < features.Count; i++)
        {
            writer.WriteString(features.NameAt(i), features.ValueUtf8At(i));
        }

        writer.WriteEndObject();
    }

    public static void WriteNamespaces(Utf8JsonWriter writer, IReadOnlyList<NamespaceFeatures> namespaces, IReadOnlyCollection<string>? only)
    {
        writer.WriteStartObject();
        foreach (var features in namespaces)
        {
            if (only is null || only.Contains(features.Namespace))
            {
                writer.WritePropertyName(features.Namespace);
                WriteFeatures(writer, features);
            }
        }

        writer.WriteEndObject();
    }

    public static void WriteUpdatedAt(Utf8JsonWriter writer, long unixMilliseconds) =>
        writer.WriteString("updatedAt", DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));
}
