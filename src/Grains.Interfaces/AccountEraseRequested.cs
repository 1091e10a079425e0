namespace AccountMetadata.Grains;

/// <summary>An erase command: everything the account holds before it goes; what follows it on the stream stays.</summary>
[GenerateSerializer]
[Immutable]
public sealed record AccountEraseRequested(RecordOrigin Origin) : AccountStreamEvent
{
    [Id(0)]
    public override RecordOrigin Origin { get; } = Origin;
}
