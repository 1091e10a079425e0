using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// The value of a dead-letter message. Kafka 0.9 has no record headers, so the reason and the source coordinates
/// travel in the value, next to the original bytes (base64, exact) and, when they are UTF-8, as readable text:
/// <c>{"reason","detail","source":{"topic","partition","offset"},"key","value","value_base64","dead_lettered_at"}</c>.
/// </summary>
public static class DeadLetterEnvelope
{
    public static byte[] Create(DeadLetterReason reason, string detail, string topic, int partition, long offset, byte[]? key, byte[]? value, DateTimeOffset at)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + ((value?.Length ?? 0) * 3));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("reason", DeadLetterReasons.Name(reason));
            writer.WriteString("detail", detail);
            writer.WriteStartObject("source");
            writer.WriteString("topic", topic);
            writer.WriteNumber("partition", partition);
            writer.WriteNumber("offset", offset);
            writer.WriteEndObject();
            WriteText(writer, "key", key);
            WriteText(writer, "value", value);
            if (value is null)
            {
                writer.WriteNull("value_base64");
            }
            else
            {
                writer.WriteBase64String("value_base64", value);
            }

            writer.WriteString("dead_lettered_at", at);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteText(Utf8JsonWriter writer, string name, byte[]? bytes)
    {
        if (bytes is not null && System.Text.Unicode.Utf8.IsValid(bytes))
        {
            writer.WriteString(name, Encoding.UTF8.GetString(bytes));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
