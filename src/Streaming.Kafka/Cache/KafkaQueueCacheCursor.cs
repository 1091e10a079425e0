using Orleans.Streams;

namespace AccountMetadata.Streaming.Kafka;

/// <summary>
/// A consumer's place in one stream. The pulling agent asks for the next container only after the previous delivery
/// returned, so moving on is what tells the cache the containers just handed out were delivered (the cache then
/// releases them, after the consumer confirmed them when an <see cref="IKafkaDeliveryConfirmation"/> is registered). Everything pending for the
/// stream when asked is handed out at once (up to <see cref="KafkaStreamOptions.MaxContainersPerDelivery"/>), as one
/// container: a consumer that was busy gets one larger delivery instead of a queue of small ones.
/// </summary>
internal sealed class KafkaQueueCacheCursor : IQueueCacheCursor
{
    private readonly KafkaQueueCache _cache;
    private readonly CachedStream _stream;
    private readonly int _maxContainersPerDelivery;
    private long _next;
    private long _deliveringFrom = -1;
    private KafkaBatchContainer? _current;
    private bool _disposed;

    public KafkaQueueCacheCursor(KafkaQueueCache cache, CachedStream stream, int maxContainersPerDelivery)
    {
        _cache = cache;
        _stream = stream;
        _maxContainersPerDelivery = maxContainersPerDelivery;
        _next = stream.Head; // whatever the token: everything not yet released is delivered (again), never skipped
        stream.AddCursor(this);
    }

    /// <summary>The oldest container this cursor has not finished with.</summary>
    public long Position => _deliveringFrom >= 0 ? _deliveringFrom : _next;

    public IBatchContainer? GetCurrent(out Exception? exception)
    {
        exception = null;
        return _current;
    }

    public bool MoveNext()
    {
        if (_deliveringFrom >= 0)
        {
            var parts = new KafkaBatchContainer[(int)(_next - _deliveringFrom)];
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = _stream.At(_deliveringFrom + i);
            }

            _cache.Delivered(_stream, _current!, parts);
            _deliveringFrom = -1;
        }

        _next = Math.Max(_next, _stream.Head);
        var available = _stream.End - _next;
        if (available <= 0)
        {
            _current = null;
            return false;
        }

        var take = (int)Math.Min(available, _maxContainersPerDelivery);
        if (take == 1)
        {
            _current = _stream.At(_next);
        }
        else
        {
            var parts = new KafkaBatchContainer[take];
            for (var i = 0; i < take; i++)
            {
                parts[i] = _stream.At(_next + i);
            }

            _current = KafkaBatchContainer.Merge(parts);
        }

        _deliveringFrom = _next;
        _next += take;
        return true;
    }

    public void Refresh(StreamSequenceToken token)
    {
        // Nothing to do: the cursor reads its stream's list as it grows.
    }

    /// <summary>
    /// The agent gave up on the current delivery (it is shutting down, or a finite delivery time ran out): hand the
    /// same containers out again on the next move instead of skipping them. Nothing undelivered is ever released.
    /// </summary>
    public void RecordDeliveryFailure()
    {
        if (_deliveringFrom >= 0)
        {
            _next = _deliveringFrom;
            _deliveringFrom = -1;
            _current = null;
            _cache.DeliveryFailed();
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _stream.RemoveCursor(this);
            _cache.Changed(_stream);
        }
    }
}
