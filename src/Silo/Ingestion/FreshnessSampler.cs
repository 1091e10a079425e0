using AccountMetadata.Grains;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// Freshness as a client sees it: from the broker's acknowledgement of a write to the first read that answers it.
/// Samples API writes, at most <see cref="MaxSamplesPerSecond"/> a second per silo: once <c>POST /features</c> is
/// acknowledged, one of its features is read back through its account grain until it (or something newer) shows,
/// every <see cref="PollInterval"/> at first, then every twentieth of the time waited so far (<see cref="NextPoll"/>):
/// the first read that answers is within 5% of the true freshness, and a sample that waits long costs a few dozen
/// reads, not thousands. Polling every 5 ms for a minute did harm: a new account's activation answers empty and
/// leaves at once, so the polls kept bouncing its stream's handshake, and Orleans' pulling agent neither reads nor
/// commits a partition until every new stream's handshake has succeeded.
/// Feature-store records cannot be timed from their acknowledgement (the 0.9 message format has no timestamps); API
/// writes travel the same path: topic, stream provider, grain.
/// </summary>
public sealed class FreshnessSampler(IGrainFactory grains, NameInterner names, IngestionMetrics metrics, TimeProvider time)
{
    public const int MaxSamplesPerSecond = 10;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest wait between two reads of one sample.</summary>
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Past this a sample is counted missed (the pipeline is stuck, or the feature was refused).</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan SampleSpacing = TimeSpan.FromSeconds(1.0 / MaxSamplesPerSecond);
    private long _lastSampleAt;

    /// <summary>
    /// <paramref name="message"/> (one feature in the ingest topic's JSON) was acknowledged at
    /// <paramref name="acknowledgedAt"/> (<see cref="TimeProvider.GetTimestamp"/>); sampled if it is time for one.
    /// </summary>
    public void Acknowledged(byte[] message, long acknowledgedAt)
    {
        var last = Volatile.Read(ref _lastSampleAt);
        if ((last != 0 && time.GetElapsedTime(last, acknowledgedAt) < SampleSpacing)
            || Interlocked.CompareExchange(ref _lastSampleAt, acknowledgedAt, last) != last
            || !FeatureMessageParser.TryParse(message, names, long.MaxValue, out var feature, out _)
            || feature.Kind != FeatureMessageKind.Feature)
        {
            return;
        }

        _ = MeasureAsync(feature, acknowledgedAt);
    }

    private async Task MeasureAsync(FeatureMessage feature, long acknowledgedAt)
    {
        var account = grains.GetGrain<IAccountGrain>(feature.AccountId);
        while (time.GetElapsedTime(acknowledgedAt) is var waited && waited < GiveUpAfter)
        {
            if (await IsReadableAsync(account, feature).ConfigureAwait(false))
            {
                metrics.FreshnessMeasured(time.GetElapsedTime(acknowledgedAt));
                return;
            }

            await Task.Delay(NextPoll(waited), time).ConfigureAwait(false);
        }

        metrics.FreshnessMissed.Increment();
    }

    /// <summary>How long to wait before the next read of a sample that has waited <paramref name="waited"/>.</summary>
    public static TimeSpan NextPoll(TimeSpan waited) =>
        TimeSpan.FromTicks(Math.Clamp(waited.Ticks / 20, PollInterval.Ticks, MaxPollInterval.Ticks));

    private static async Task<bool> IsReadableAsync(IAccountGrain account, FeatureMessage feature)
    {
        try
        {
            var features = await account.GetNamespaceAsync(feature.Namespace).ConfigureAwait(false);
            return features is not null
                   && features.IndexOf(feature.FeatureName) is var index and >= 0
                   && features.TimestampAt(index) >= feature.Timestamp;
        }
#pragma warning disable CA1031 // not readable yet (the account loading, storage away): look again
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
