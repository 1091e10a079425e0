using AccountMetadata.Grains;

namespace AccountMetadata.Testing;

/// <summary>For silos whose account grains are called directly: nothing arrives on the account streams to be refused.</summary>
public sealed class NoStreamedUpdates : IRejectedUpdates
{
    public Task SetAsideAsync(string accountId, FeatureUpdate update, RecordOrigin origin, RejectedUpdate rejection) =>
        throw new InvalidOperationException("this silo has no stream provider: its grains are called directly");
}
