namespace AccountMetadata.Grains;

/// <summary>
/// Where an account grain sets aside the streamed updates it refuses (a feature name or value it cannot store, an
/// item that would outgrow DynamoDB's limit): the silo's dead-letter topic. The delivery completes only once this
/// did, so a refused update is never simply dropped.
/// </summary>
public interface IRejectedUpdates
{
    Task SetAsideAsync(string accountId, FeatureUpdate update, RecordOrigin origin, RejectedUpdate rejection);
}
