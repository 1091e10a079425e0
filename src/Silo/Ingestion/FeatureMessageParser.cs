using System.Buffers;
using System.Text;
using System.Text.Json;
using AccountMetadata.Grains;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// Parses ingest messages with <see cref="Utf8JsonReader"/>: no reflection, and no string allocated for namespace
/// and feature names already seen (they are interned straight from the UTF-8 bytes). Unknown properties are ignored,
/// so producers can add fields.
/// </summary>
public static class FeatureMessageParser
{
    private static ReadOnlySpan<byte> AccountIdProperty => "account_id"u8;
    private static ReadOnlySpan<byte> FeatureNameProperty => "feature_name"u8;
    private static ReadOnlySpan<byte> FeatureValueProperty => "feature_value"u8;
    private static ReadOnlySpan<byte> NamespaceProperty => "namespace"u8;
    private static ReadOnlySpan<byte> TimestampProperty => "timestamp"u8;
    private static ReadOnlySpan<byte> OpProperty => "op"u8;
    private static ReadOnlySpan<byte> EraseOp => "erase"u8;

    /// <summary>Parses and checks syntax; false with <paramref name="failure"/> set when the message must be dead-lettered.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, NameInterner names, out FeatureMessage message, out ParseOutcome failure)
    {
        ArgumentNullException.ThrowIfNull(names);
        message = default;
        string? accountId = null, featureName = null, featureValue = null, ns = null;
        long? timestamp = null;
        var erase = false;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                failure = new(DeadLetterReason.NotJson, "the message is not a JSON object");
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(AccountIdProperty))
                {
                    if (!ReadString(ref reader, "account_id", out accountId, out failure))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(FeatureNameProperty))
                {
                    if (!ReadName(ref reader, "feature_name", names, out featureName, out failure))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(FeatureValueProperty))
                {
                    if (!ReadString(ref reader, "feature_value", out featureValue, out failure))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(NamespaceProperty))
                {
                    if (!ReadName(ref reader, "namespace", names, out ns, out failure))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(TimestampProperty))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var ts))
                    {
                        failure = new(DeadLetterReason.MistypedField, "timestamp must be an integer");
                        return false;
                    }

                    timestamp = ts;
                }
                else if (reader.ValueTextEquals(OpProperty))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(EraseOp))
                    {
                        failure = new(DeadLetterReason.MistypedField, "op must be \"erase\" when present");
                        return false;
                    }

                    erase = true;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                failure = new(DeadLetterReason.NotJson, "trailing data after the JSON object");
                return false;
            }
        }
        catch (JsonException exception)
        {
            failure = new(DeadLetterReason.NotJson, "not valid JSON: " + exception.Message);
            return false;
        }

        if (accountId is null)
        {
            failure = new(DeadLetterReason.MissingField, "account_id is missing");
            return false;
        }

        if (!Identifiers.IsValidAccountId(accountId))
        {
            failure = new(DeadLetterReason.InvalidAccountId, $"account_id '{Truncate(accountId)}' is not 1-128 of A-Z a-z 0-9 - _ . : @");
            return false;
        }

        if (erase)
        {
            message = FeatureMessage.Erase(accountId);
            failure = default;
            return true;
        }

        var missing = ns is null ? "namespace" : featureName is null ? "feature_name" : featureValue is null ? "feature_value" : timestamp is null ? "timestamp" : null;
        if (missing is not null)
        {
            failure = new(DeadLetterReason.MissingField, missing + " is missing");
            return false;
        }

        if (!Identifiers.IsValidNamespace(ns))
        {
            failure = new(DeadLetterReason.InvalidNamespace, $"namespace '{Truncate(ns!)}' is not 1-64 of a-z 0-9 - _ starting with a letter");
            return false;
        }

        if (!Identifiers.IsValidFeatureName(featureName))
        {
            failure = new(DeadLetterReason.InvalidFeatureName, $"feature_name '{Truncate(featureName!)}' is not 1-128 of A-Z a-z 0-9 - _ . starting with a letter");
            return false;
        }

        if (Encoding.UTF8.GetByteCount(featureValue!) > Identifiers.MaxFeatureValueBytes)
        {
            failure = new(DeadLetterReason.ValueTooLarge, $"feature_value is over {Identifiers.MaxFeatureValueBytes} bytes");
            return false;
        }

        message = new FeatureMessage(FeatureMessageKind.Feature, accountId, ns!, featureName!, featureValue!, timestamp!.Value);
        failure = default;
        return true;
    }

    private static bool ReadString(ref Utf8JsonReader reader, string field, out string? value, out ParseOutcome failure)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            value = null;
            failure = new(DeadLetterReason.MistypedField, $"{field} must be a string, not {Describe(reader.TokenType)}");
            return false;
        }

        value = reader.GetString();
        failure = default;
        return true;
    }

    /// <summary>Reads a short name, interning it from the bytes without allocating when already known.</summary>
    private static bool ReadName(ref Utf8JsonReader reader, string field, NameInterner names, out string? value, out ParseOutcome failure)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            value = null;
            failure = new(DeadLetterReason.MistypedField, $"{field} must be a string, not {Describe(reader.TokenType)}");
            return false;
        }

        failure = default;
        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        if (reader.ValueIsEscaped || raw.Length > 256)
        {
            value = names.Intern(reader.GetString()!);
            return true;
        }

        Span<char> chars = stackalloc char[256];
        var count = Encoding.UTF8.GetChars(raw, chars);
        value = names.Intern(chars[..count]);
        return true;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
