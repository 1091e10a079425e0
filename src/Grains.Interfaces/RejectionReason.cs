namespace AccountMetadata.Grains;

/// <summary>Why an update was not applied; also the dead-letter reasons of ingestion that the grain itself decides.</summary>
[GenerateSerializer]
public enum RejectionReason
{
    InvalidNamespace,
    InvalidFeatureName,
    ValueTooLarge,

    /// <summary>Applying it would grow the namespace's DynamoDB item past 400 KB.</summary>
    ItemSizeLimit,
}
