namespace AccountMetadata.Grains;

/// <summary>
/// Consecutive feature updates of one account from one read of the ingest topic, with the record each came from
/// (for dead-lettering what the grain refuses).
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record FeaturesPublished(
    [property: Id(0)] FeatureUpdate[] Updates,
    [property: Id(1)] RecordOrigin[] Origins) : AccountStreamEvent
{
    public override RecordOrigin Origin => Origins[0];
}
