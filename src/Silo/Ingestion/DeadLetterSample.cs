namespace AccountMetadata.Silo.Ingestion;

/// <summary>One dead letter as the pipeline view lists it: when, why, where it came from, and how its value starts.</summary>
public sealed record DeadLetterSample(DateTimeOffset At, string Reason, string Detail, int Partition, long Offset, string ValueStart);
