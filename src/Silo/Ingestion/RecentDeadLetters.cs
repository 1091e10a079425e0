using System.Text;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// The last <see cref="Capacity"/> dead letters set aside on this silo, newest first, for operators to read without
/// consuming the dead-letter topic. Dead letters are rare, so a lock is fine; values are cut to their first characters.
/// </summary>
public sealed class RecentDeadLetters
{
    public const int Capacity = 50;
    public const int ValueStartLength = 160;

    private readonly DeadLetterSample[] _ring = new DeadLetterSample[Capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public void Add(DateTimeOffset at, DeadLetterReason reason, string detail, int partition, long offset, byte[]? value)
    {
        var sample = new DeadLetterSample(at, DeadLetterReasons.Name(reason), detail, partition, offset, Start(value));
        lock (_gate)
        {
            _ring[_next] = sample;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    public IReadOnlyList<DeadLetterSample> Newest()
    {
        lock (_gate)
        {
            var newest = new DeadLetterSample[_count];
            for (var i = 0; i < _count; i++)
            {
                newest[i] = _ring[(_next - 1 - i + Capacity) % Capacity];
            }

            return newest;
        }
    }

    /// <summary>The value's first characters as text (invalid UTF-8 shows as U+FFFD): enough to recognise it.</summary>
    private static string Start(byte[]? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var text = Encoding.UTF8.GetString(value, 0, Math.Min(value.Length, ValueStartLength * 4));
        return text.Length <= ValueStartLength ? text : text[..ValueStartLength] + "…";
    }
}
