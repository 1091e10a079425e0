using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AccountMetadata.Api;

/// <summary>
/// API-key checks for the write and admin endpoints: header <c>X-Api-Key</c>; 401 without a key, 403 with a wrong
/// one. No key configured means nobody may call. Keys are never logged or echoed back.
/// </summary>
public static class ApiKeys
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>Null when the request carries one of <paramref name="keys"/>; otherwise the problem to answer.</summary>
    public static IResult? Authorize(HttpContext context, IReadOnlyCollection<string> keys, string purpose)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(keys);
        if (!context.Request.Headers.TryGetValue(HeaderName, out var presented) || string.IsNullOrEmpty(presented))
        {
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
                detail: $"This endpoint needs the {purpose} API key in the {HeaderName} header.");
        }

        return Matches(presented.ToString(), keys)
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong API key",
                detail: $"The key in {HeaderName} is not a {purpose} key.");
    }

    /// <summary>
    /// Constant time in the presented key's content and length: both sides are hashed to 32 bytes before the
    /// fixed-time comparison (comparing the raw bytes would return early on a length mismatch), and every
    /// configured key is compared, not just up to the first match.
    /// </summary>
    public static bool Matches(string presented, IReadOnlyCollection<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Span<byte> candidate = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), candidate);
        var matched = false;
        foreach (var key in keys)
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(key), expected);
            matched |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        }

        return matched;
    }
}
