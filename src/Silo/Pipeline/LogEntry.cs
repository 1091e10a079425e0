using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>One line of the silo's log as the pipeline view shows it.</summary>
public sealed record LogEntry(long Sequence, DateTimeOffset At, LogLevel Level, string Category, string Message, string? Exception);
