namespace AccountMetadata.Silo.Ingestion;

/// <summary>A message that could not be parsed or validated: the dead-letter reason and a sentence for a person.</summary>
public readonly record struct ParseOutcome(DeadLetterReason Reason, string Detail);
