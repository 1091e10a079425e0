using System.Buffers;
using System.Text.Json;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>The ingest topic's erase command: <c>{"op":"erase","account_id":"..."}</c>.</summary>
public static class EraseCommand
{
    public static byte[] Create(string accountId)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("op", "erase");
            writer.WriteString("account_id", accountId);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
