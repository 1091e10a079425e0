using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Dashboard;

/// <summary>One line of the silo's log as the dashboard shows it.</summary>
public sealed record LogEntry(long Sequence, DateTimeOffset At, LogLevel Level, string Category, string Message, string? Exception);
