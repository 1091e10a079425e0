namespace AccountMetadata.Tests.Faults;

/// <summary>
/// The fault drills share one private stack and run one at a time, after the parallel tests (xUnit runs
/// collections that disable parallelization last): each drill loads the machine and breaks the stack on purpose.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultDrills : ICollectionFixture<FaultStackFixture>
{
    public const string Name = "Fault drills";
}
