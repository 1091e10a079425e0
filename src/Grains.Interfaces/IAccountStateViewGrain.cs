namespace AccountMetadata.Grains;

/// <summary>
/// An account's in-memory state for operators, without loading it: the Orleans Dashboard's grain-state view calls
/// the parameterless <see cref="GetState"/> of the grain type picked there (pick <c>AccountStateViewGrain</c>, key =
/// the account id), and the pipeline view calls <see cref="InspectAsync"/>. An account active nowhere is reported as
/// such; the key <c>{accountId}!load</c> (or <c>activate: true</c>) asks to load it from DynamoDB.
/// </summary>
public interface IAccountStateViewGrain : IGrainWithStringKey
{
    /// <summary>The key's suffix that asks to load an account not in memory (not a valid account id character).</summary>
    const string LoadSuffix = "!load";

    [Alias("GetState")]
    Task<AccountStateView> GetState();

    [Alias("InspectAsync")]
    Task<AccountStateView> InspectAsync(bool activate);
}
