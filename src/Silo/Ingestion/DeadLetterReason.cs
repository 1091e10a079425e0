namespace AccountMetadata.Silo.Ingestion;

/// <summary>Why a message went to the dead-letter topic. The snake_case names are what the envelope and metrics show.</summary>
public enum DeadLetterReason
{
    NotJson,
    MissingField,
    MistypedField,
    InvalidAccountId,
    InvalidNamespace,
    InvalidFeatureName,
    UnknownNamespace,
    UnusableSchema,
    UnknownFeature,
    SchemaViolation,
    ValueTooLarge,
    ItemSizeLimit,
    DuplicateField,
    TimestampOutOfRange,
}
