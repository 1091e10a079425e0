using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AccountMetadata.Api;

/// <summary>One body-size rule for every endpoint that reads a body: a declared length over the limit is a 413
/// problem at once; a chunked body is cut by Kestrel at the limit (its 413 reaches the exception handler).</summary>
internal static class RequestBodyLimit
{
    public static IResult? Enforce(HttpContext context, long limit)
    {
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
}
