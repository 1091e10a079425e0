namespace AccountMetadata.Silo.Ingestion;

public enum FeatureMessageKind
{
    /// <summary>One feature value: <c>{"account_id","feature_name","feature_value","namespace","timestamp"}</c>.</summary>
    Feature,

    /// <summary>Erase the account: <c>{"op":"erase","account_id"}</c>, keyed by the account so it is ordered with its features.</summary>
    Erase,
}
