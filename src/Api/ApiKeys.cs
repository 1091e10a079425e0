using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AccountMetadata.Api;

/// <summary>
/// API-key checks for the write and admin endpoints: header <c>X-Api-Key</c>; 401 without a key, 403 with a wrong
/// one. Keys are compared in constant time. No key configured means nobody may call.
/// </summary>
public static class ApiKeys
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>Null when the request carries one of <paramref name="keys"/>; otherwise the problem to answer.</summary>
    public static IResult? Authorize(HttpContext context, IReadOnlyCollection<string> keys, string purpose)
    {
        if (!context.Request.Headers.TryGetValue(HeaderName, out var presented) || string.IsNullOrEmpty(presented))
        {
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
                detail: $"This endpoint needs the {purpose} API key in the {HeaderName} header.");
        }

        var candidate = Encoding.UTF8.GetBytes(presented.ToString());
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, Encoding.UTF8.GetBytes(key)))
            {
                return null;
            }
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong API key",
            detail: $"The key in {HeaderName} is not a {purpose} key.");
    }
}
