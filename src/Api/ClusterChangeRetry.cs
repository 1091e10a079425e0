using Orleans.Runtime;

namespace AccountMetadata.Api;

/// <summary>
/// Reads that met the cluster changing under them. While a silo leaves or dies, Orleans may reject a call addressed
/// to an activation that silo was hosting ("forwarding failed ... unable to create local activation") or to the silo
/// itself, until its directory has moved on, a matter of moments. A read is idempotent, so it is made again a few
/// times before the client is told to retry (503 with Retry-After: <c>FailureProblems</c>). Only a failed read pays:
/// the endpoints call this from their catch, with a static lambda and explicit state (no closure per request).
/// </summary>
internal static class ClusterChangeRetry
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)];

    public static bool IsTransient(Exception exception) => exception is OrleansMessageRejectionException or SiloUnavailableException;

    /// <summary>Makes <paramref name="read"/> again after each backoff; the last attempt's failure is the caller's.</summary>
    public static async ValueTask<TResult> ReadAgainAsync<TState, TResult>(TState state, Func<TState, ValueTask<TResult>> read)
    {
        for (var attempt = 0; ; attempt++)
        {
            await Task.Delay(Backoff[attempt]).ConfigureAwait(false);
            try
            {
                return await read(state).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsTransient(exception) && attempt < Backoff.Length - 1)
            {
                // the directory has not moved on yet: wait a little longer
            }
        }
    }
}
