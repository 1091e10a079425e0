namespace AccountMetadata.Grains;

/// <summary>
/// Whether this silo owns an account, i.e. receives its writes (its Kafka partition is assigned here). A silo that
/// does not own an account may still serve a read of it, from storage, but must not keep it in memory: the owner's
/// later writes never reach this copy.
/// </summary>
public interface IAccountOwnership
{
    bool IsOwnedHere(string accountId);
}
