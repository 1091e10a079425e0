using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>
/// A logger provider that keeps the silo's latest log lines (Information and above by default) in a bounded ring,
/// for the pipeline view's live tail. Appending takes a short lock; logging at these levels is not on any hot path.
/// </summary>
public sealed class PipelineLogBuffer(int capacity = 500, LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    private readonly LogEntry?[] _ring = new LogEntry?[capacity];
    private readonly Lock _gate = new();
    private long _next;

    internal LogLevel Minimum { get; } = minimum;

    /// <summary>Entries after <paramref name="afterSequence"/>, oldest first, at most the ring's size.</summary>
    public IReadOnlyList<LogEntry> Since(long afterSequence, LogLevel atLeast = LogLevel.Trace)
    {
        lock (_gate)
        {
            var from = Math.Max(afterSequence + 1, _next - _ring.Length);
            var entries = new List<LogEntry>((int)Math.Max(0, _next - from));
            for (var sequence = from; sequence < _next; sequence++)
            {
                var entry = _ring[sequence % _ring.Length]!;
                if (entry.Level >= atLeast)
                {
                    entries.Add(entry);
                }
            }

            return entries;
        }
    }

    public ILogger CreateLogger(string categoryName) => new BufferLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Append(LogLevel level, string category, string message, Exception? exception)
    {
        lock (_gate)
        {
            _ring[_next % _ring.Length] = new LogEntry(_next, DateTimeOffset.UtcNow, level, category, message, exception?.ToString());
            _next++;
        }
    }

    private sealed class BufferLogger(PipelineLogBuffer buffer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= buffer.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                buffer.Append(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
