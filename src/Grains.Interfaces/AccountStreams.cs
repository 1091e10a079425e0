namespace AccountMetadata.Grains;

/// <summary>
/// The account streams: one per account (keyed by the account id), in the stream namespace account grains subscribe
/// to implicitly, on the stream provider that reads the ingest topic.
/// </summary>
public static class AccountStreams
{
    /// <summary>The stream provider's name.</summary>
    public const string ProviderName = "kafka";

    /// <summary>The stream namespace <c>AccountGrain</c> subscribes to implicitly.</summary>
    public const string Namespace = "account-features";
}
