using AccountMetadata.Silo.Runtime;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// How an exception that escapes an endpoint is answered: a status that tells the client whether to retry, and a
/// problem+json body that says what failed in words, never a stack trace or an exception's internals.
/// </summary>
public static class FailureProblems
{
    public static int StatusCodeOf(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode, // 413 for bodies over the limit, 400 for malformed requests, 408 for slow ones
        GrainActivationException => StatusCodes.Status503ServiceUnavailable, // storage unreachable while loading
        KafkaException => StatusCodes.Status503ServiceUnavailable, // the broker did not take a write
        _ => StatusCodes.Status500InternalServerError,
    };

    public static void Describe(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (title, detail, retryAfterSeconds) = context.Exception switch
        {
            BadHttpRequestException bad => ("Bad request", bad.Message, 0),
            GrainActivationException => ("Storage unavailable", "The account could not be loaded from DynamoDB. Retry shortly.", 2),
            KafkaException kafka => ("Broker unavailable",
                $"The ingest topic did not acknowledge the write ({kafka.Error.Code}); nothing from this request is guaranteed stored. Retry shortly: writes are idempotent.", 5),
            null => (null, null, 0),
            _ => ("Internal error", "The request failed on the server; it has been logged.", 0),
        };

        if (title is null)
        {
            return;
        }

        context.ProblemDetails.Title = title;
        context.ProblemDetails.Detail = detail;
        if (retryAfterSeconds > 0)
        {
            context.HttpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
