using System.Buffers;
using System.Text;
using System.Text.Json;
using AccountMetadata.Grains;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// Parses ingest messages with <see cref="Utf8JsonReader"/>: no reflection, and no string allocated for namespace
/// and feature names already seen (they are interned straight from the UTF-8 bytes). Unknown properties are ignored,
/// so producers can add fields. Never throws on input: whatever the bytes, the answer is a message or a reason.
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

    /// <summary>How far past now a timestamp may be: producers' clocks drift, but not by days.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(1);

    /// <summary>
    /// The latest timestamp accepted at <paramref name="now"/>. Timestamps are Unix milliseconds (or seconds, which
    /// are always far below the bound): a later one would win last-writer-wins against every real update to come.
    /// </summary>
    public static long LatestTimestamp(DateTimeOffset now) => (now + MaxClockSkew).ToUnixTimeMilliseconds();

    /// <summary>Parses and checks syntax; false with <paramref name="failure"/> set when the message must be dead-lettered.</summary>
    /// <param name="latestTimestamp">See <see cref="LatestTimestamp"/>.</param>
    public static bool TryParse(ReadOnlySpan<byte> utf8, NameInterner names, long latestTimestamp, out FeatureMessage message, out ParseOutcome failure)
    {
        ArgumentNullException.ThrowIfNull(names);
        message = default;
        string? accountId = null, featureName = null, featureValue = null, ns = null;
        long? timestamp = null;
        var erase = false;
        var seen = Field.None;
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
                // Two values for one field: which one the producer meant is unknowable, so neither is applied.
                if (FieldOf(ref reader) is var field && field != Field.None && (seen & field) != 0)
                {
                    failure = new(DeadLetterReason.DuplicateField, $"{reader.GetString()} appears more than once");
                    return false;
                }

                seen |= field;
                if (field == Field.AccountId)
                {
                    if (!ReadString(ref reader, "account_id", out accountId, out failure))
                    {
                        return false;
                    }
                }
                else if (field == Field.FeatureName)
                {
                    if (!ReadName(ref reader, "feature_name", names, out featureName, out failure))
                    {
                        return false;
                    }
                }
                else if (field == Field.FeatureValue)
                {
                    if (!ReadString(ref reader, "feature_value", out featureValue, out failure, maxBytes: Identifiers.MaxFeatureValueBytes))
                    {
                        return false;
                    }
                }
                else if (field == Field.Namespace)
                {
                    if (!ReadName(ref reader, "namespace", names, out ns, out failure))
                    {
                        return false;
                    }
                }
                else if (field == Field.Timestamp)
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var ts))
                    {
                        failure = new(DeadLetterReason.MistypedField, "timestamp must be an integer");
                        return false;
                    }

                    if (ts < 0 || ts > latestTimestamp)
                    {
                        failure = new(DeadLetterReason.TimestampOutOfRange, ts < 0
                            ? $"timestamp {ts} is negative"
                            : $"timestamp {ts} is more than {MaxClockSkew.TotalHours:0} h in the future (expected Unix milliseconds or seconds)");
                        return false;
                    }

                    timestamp = ts;
                }
                else if (field == Field.Op)
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
        catch (InvalidOperationException)
        {
            // Utf8JsonReader checks structure as it reads, but a string's encoding only when it is decoded.
            failure = new(DeadLetterReason.NotJson, "a string is not valid UTF-8 (or holds an unpaired surrogate escape)");
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

        message = new FeatureMessage(FeatureMessageKind.Feature, accountId, ns!, featureName!, featureValue!, timestamp!.Value);
        failure = default;
        return true;
    }

    private static bool ReadString(ref Utf8JsonReader reader, string field, out string? value, out ParseOutcome failure, int maxBytes = int.MaxValue)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            value = null;
            failure = new(DeadLetterReason.MistypedField, $"{field} must be a string, not {Describe(reader.TokenType)}");
            return false;
        }

        // Decided on the raw bytes first, so a 10 MB value is refused without decoding it into 20 MB of chars.
        var rawLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (rawLength > maxBytes && (!reader.ValueIsEscaped || rawLength > (long)maxBytes * 6))
        {
            value = null;
            failure = new(DeadLetterReason.ValueTooLarge, $"{field} is over {maxBytes} bytes");
            return false;
        }

        value = reader.GetString();
        if (maxBytes != int.MaxValue && Encoding.UTF8.GetByteCount(value!) > maxBytes)
        {
            failure = new(DeadLetterReason.ValueTooLarge, $"{field} is over {maxBytes} bytes");
            return false;
        }

        failure = default;
        return true;
    }

    private static Field FieldOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals(AccountIdProperty) ? Field.AccountId
        : reader.ValueTextEquals(FeatureNameProperty) ? Field.FeatureName
        : reader.ValueTextEquals(FeatureValueProperty) ? Field.FeatureValue
        : reader.ValueTextEquals(NamespaceProperty) ? Field.Namespace
        : reader.ValueTextEquals(TimestampProperty) ? Field.Timestamp
        : reader.ValueTextEquals(OpProperty) ? Field.Op
        : Field.None;

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

    /// <summary>The fields a message may carry, as bits: which ones a message has already set.</summary>
    [Flags]
    private enum Field
    {
        None = 0,
        AccountId = 1,
        FeatureName = 2,
        FeatureValue = 4,
        Namespace = 8,
        Timestamp = 16,
        Op = 32,
    }
}
