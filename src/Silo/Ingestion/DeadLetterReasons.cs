using AccountMetadata.Grains;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>Names and mappings of <see cref="DeadLetterReason"/>.</summary>
public static class DeadLetterReasons
{
    public static IReadOnlyList<DeadLetterReason> All { get; } = Enum.GetValues<DeadLetterReason>();

    public static string Name(DeadLetterReason reason) => reason switch
    {
        DeadLetterReason.NotJson => "not_json",
        DeadLetterReason.MissingField => "missing_field",
        DeadLetterReason.MistypedField => "mistyped_field",
        DeadLetterReason.InvalidAccountId => "invalid_account_id",
        DeadLetterReason.InvalidNamespace => "invalid_namespace",
        DeadLetterReason.InvalidFeatureName => "invalid_feature_name",
        DeadLetterReason.UnknownNamespace => "unknown_namespace",
        DeadLetterReason.UnusableSchema => "unusable_schema",
        DeadLetterReason.UnknownFeature => "unknown_feature",
        DeadLetterReason.SchemaViolation => "schema_violation",
        DeadLetterReason.ValueTooLarge => "value_too_large",
        DeadLetterReason.ItemSizeLimit => "item_size_limit",
        DeadLetterReason.DuplicateField => "duplicate_field",
        DeadLetterReason.TimestampOutOfRange => "timestamp_out_of_range",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The grain's own refusals, as dead-letter reasons.</summary>
    public static DeadLetterReason From(RejectionReason reason) => reason switch
    {
        RejectionReason.InvalidNamespace => DeadLetterReason.InvalidNamespace,
        RejectionReason.InvalidFeatureName => DeadLetterReason.InvalidFeatureName,
        RejectionReason.ValueTooLarge => DeadLetterReason.ValueTooLarge,
        RejectionReason.ItemSizeLimit => DeadLetterReason.ItemSizeLimit,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
