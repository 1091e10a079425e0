namespace AccountMetadata.Bench.Suite;

/// <summary>How the generated features are ordered on the topic.</summary>
internal enum MessageOrder
{
    /// <summary>An account's 20 features together, account after account.</summary>
    AccountMajor,

    /// <summary>Every account's first feature, then every account's second, ... (a feature store exporting one feature at a time).</summary>
    FeatureMajor,
}
