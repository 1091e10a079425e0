using System.Buffers;
using System.Text.Json;
using AccountMetadata.Grains;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>The ingest topic's feature message: <c>{"account_id","feature_name","feature_value","namespace","timestamp"}</c>.</summary>
public static class FeatureMessageJson
{
    public static byte[] Create(string accountId, in FeatureUpdate update)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + update.Value.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("account_id", accountId);
            writer.WriteString("feature_name", update.Name);
            writer.WriteString("feature_value", update.Value);
            writer.WriteString("namespace", update.Namespace);
            writer.WriteNumber("timestamp", update.Timestamp);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
