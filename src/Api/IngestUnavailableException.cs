namespace AccountMetadata.Api;

/// <summary>
/// The ingest topic could not take a write (the brokers are down, or did not acknowledge in time). Thrown by
/// <see cref="IFeatureIngress"/>; the endpoints answer 503 with <c>Retry-After</c> themselves: an expected outage is
/// not an unhandled error to log with its stack trace once per request.
/// </summary>
public sealed class IngestUnavailableException : Exception
{
    public IngestUnavailableException()
    {
    }

    public IngestUnavailableException(string message)
        : base(message)
    {
    }

    public IngestUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
