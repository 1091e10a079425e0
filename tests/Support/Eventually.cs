namespace AccountMetadata.Testing;

/// <summary>
/// Waits for a condition about another process or a background pipeline (a consumer applying messages, a flush
/// landing) that offers no event to await. Polls briefly; fails with the last observed state at the deadline.
/// </summary>
public static class Eventually
{
    /// <param name="every">
    /// Time between observations: 25 ms by default; a benchmark observing the process it measures polls less often,
    /// since every observation costs that process CPU.
    /// </param>
    public static async Task<T> Until<T>(Func<Task<T>> observe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? every = null)
    {
        var interval = every ?? TimeSpan.FromMilliseconds(25);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var observed = await observe();
            if (done(observed))
            {
                return observed;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not reached within {timeout}; last observed {Describe(observed)}");
            }

            await Task.Delay(interval);
        }
    }

    /// <summary>
    /// Waits for a pipeline draining a backlog, whose pace is the machine's: fails only when
    /// <paramref name="progress"/> has not advanced for <paramref name="stall"/> (a stuck pipeline stops; a slow one
    /// on a busy machine keeps going), or past <paramref name="limit"/> in all.
    /// </summary>
    public static async Task<T> UntilWhileProgressing<T>(
        Func<Task<T>> observe, Func<T, bool> done, Func<T, long> progress, TimeSpan stall, TimeSpan limit, string what)
    {
        var interval = TimeSpan.FromMilliseconds(250);
        var start = DateTime.UtcNow;
        var lastAdvance = start;
        var best = long.MinValue;
        while (true)
        {
            var observed = await observe();
            if (done(observed))
            {
                return observed;
            }

            var now = DateTime.UtcNow;
            var reached = progress(observed);
            if (reached > best)
            {
                best = reached;
                lastAdvance = now;
            }
            else if (now - lastAdvance > stall)
            {
                throw new TimeoutException($"{what}: no progress for {stall} (after {now - start:mm\\:ss}); last observed {Describe(observed)}");
            }

            if (now - start > limit)
            {
                throw new TimeoutException($"{what}: not reached within {limit}, still progressing; last observed {Describe(observed)}");
            }

            await Task.Delay(interval);
        }
    }

    /// <summary>A collection by its items (its own ToString names only its type), anything else as it prints itself.</summary>
    private static string? Describe<T>(T observed) => observed is System.Collections.IEnumerable items and not string
        ? "[" + string.Join("; ", items.Cast<object?>()) + "]"
        : observed?.ToString();

    public static Task Until(Func<bool> condition, TimeSpan timeout, string what) =>
        Until(() => Task.FromResult(condition()), done => done, timeout, what);

    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Until(condition, done => done, timeout, what);
}
