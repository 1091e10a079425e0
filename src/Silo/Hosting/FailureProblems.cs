using System.Globalization;
using Amazon.Runtime;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http;
using Orleans.Runtime;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// How an exception that escapes an endpoint is answered: a status that tells the client whether to retry, and a
/// problem+json body that says what failed in words, never a stack trace or an exception's internals. One table
/// serves both the exception handler's status and the problem's text, so the two cannot disagree.
/// </summary>
public static class FailureProblems
{
    public static int StatusCodeOf(Exception exception) => Classify(exception).Status;

    public static void Describe(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Exception is null)
        {
            return; // a status-code page (404, 405, ...), not a failure
        }

        var (_, title, detail, retryAfterSeconds) = Classify(context.Exception);
        context.ProblemDetails.Title = title;
        context.ProblemDetails.Detail = detail;
        if (retryAfterSeconds > 0)
        {
            context.HttpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static (int Status, string Title, string Detail, int RetryAfterSeconds) Classify(Exception exception) => exception switch
    {
        // 413 for bodies over the limit, 400 for malformed requests, 408 for slow ones
        BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message, 0),
        _ when CausedByStorage(exception) => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
            "The account could not be loaded from DynamoDB. Retry shortly.", 2),
        OrleansMessageRejectionException or SiloUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Cluster changing",
            "The account's silo was leaving the cluster and its new place was not settled yet. Retry shortly.", 1),
        TimeoutException => (StatusCodes.Status503ServiceUnavailable, "Timed out",
            "The account did not answer in time (its silo may be busy or leaving the cluster). Retry shortly.", 2),

        // Orleans cancels a call whose message expired before its grain could be placed (the cluster changing on a
        // busy machine); a request the client itself abandoned never reaches here with anyone left to answer.
        OperationCanceledException => (StatusCodes.Status503ServiceUnavailable, "Timed out",
            "The account's call expired before it could be placed (the cluster may be changing). Retry shortly.", 2),
        KafkaException kafka => (StatusCodes.Status503ServiceUnavailable, "Broker unavailable",
            $"The ingest topic did not acknowledge the write ({kafka.Error.Code}); nothing from this request is guaranteed stored. Retry shortly: writes are idempotent.", 5),
        _ => (StatusCodes.Status500InternalServerError, "Internal error", "The request failed on the server; it has been logged.", 0),
    };

    /// <summary>
    /// An account whose activation could not load it: Orleans hands the caller the storage's exception, wrapped by the
    /// state bridge (an OrleansException), so look down the chain.
    /// </summary>
    private static bool CausedByStorage(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AmazonServiceException or AmazonClientException or HttpRequestException)
            {
                return true;
            }
        }

        return false;
    }
}
