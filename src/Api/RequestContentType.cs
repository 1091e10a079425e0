using Microsoft.AspNetCore.Http;

namespace AccountMetadata.Api;

/// <summary>One content-type rule for every endpoint that reads a JSON body: anything else is a 415 problem.</summary>
internal static class RequestContentType
{
    /// <summary>Null for <c>application/json</c> or any <c>+json</c> type (<c>application/schema+json</c>, ...).</summary>
    public static IResult? RequireJson(HttpContext context) =>
        context.Request.HasJsonContentType()
            ? null
            : TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"The body must be JSON (Content-Type: application/json); got '{Describe(context.Request.ContentType)}'.");

    private static string Describe(string? contentType) => contentType switch
    {
        null or "" => "none",
        { Length: > 100 } => contentType[..100] + "…",
        _ => contentType,
    };
}
