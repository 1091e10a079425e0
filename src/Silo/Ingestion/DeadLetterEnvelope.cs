using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// The value of a dead-letter message. Kafka 0.9 has no record headers, so the reason and the source coordinates
/// travel in the value, next to the original bytes (base64, exact) and, when they are UTF-8, as readable text:
/// <c>{"reason","detail","source":{"topic","partition","offset"},"key","value","value_base64","value_bytes","value_truncated","dead_lettered_at"}</c>.
/// An original over <see cref="MaxCopiedBytes"/> is copied only up to it: a 10 MB message must not make its own
/// dead letter too large for the broker (and so stall the consumer); the whole of it stays at its source offset.
/// </summary>
public static class DeadLetterEnvelope
{
    /// <summary>Original bytes copied into an envelope at most: keeps envelopes under the broker's default 1 MB.</summary>
    public const int MaxCopiedBytes = 256 * 1024;

    public static byte[] Create(DeadLetterReason reason, string detail, string topic, int partition, long offset, byte[]? key, byte[]? value, DateTimeOffset at)
    {
        var truncated = value is { Length: > MaxCopiedBytes };
        var copied = Math.Min(value?.Length ?? 0, MaxCopiedBytes);
        var buffer = new ArrayBufferWriter<byte>(256 + (copied * 3));
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
            WriteText(writer, "value", truncated ? null : value);
            if (value is null)
            {
                writer.WriteNull("value_base64");
            }
            else
            {
                writer.WriteBase64String("value_base64", value.AsSpan(0, copied));
            }

            writer.WriteNumber("value_bytes", value?.Length ?? 0);
            writer.WriteBoolean("value_truncated", truncated);

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
