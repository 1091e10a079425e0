using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AccountMetadata.Api;

/// <summary>
/// The rules for every endpoint that reads a body (all of them take JSON): a content type that is not JSON is a
/// 415 problem; a declared length over the limit is a 413 problem at once; a chunked body is cut by Kestrel at the
/// limit (its 413 reaches the exception handler).
/// </summary>
internal static class JsonRequestBody
{
    /// <summary>Null when the body may be read; otherwise the problem to answer.</summary>
    public static IResult? Enforce(HttpContext context, long limit)
    {
        if (!context.Request.HasJsonContentType()) // application/json or any +json type (application/schema+json, ...)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"The body must be JSON (Content-Type: application/json); got '{Describe(context.Request.ContentType)}'.");
        }

        if (context.Request.ContentLength > limit)
        {
            return ApiProblems.TooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return null;
    }

    private static string Describe(string? contentType) => contentType switch
    {
        null or "" => "none",
        { Length: > 100 } => contentType[..100] + "…",
        _ => contentType,
    };
}
