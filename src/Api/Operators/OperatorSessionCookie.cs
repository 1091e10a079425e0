using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AccountMetadata.Api.Operators;

/// <summary>
/// The operator's browser session: <c>{expiry}.{HMAC-SHA256 of the expiry under the admin key}</c>. The key itself is
/// never stored in the browser, and any silo holding the same admin keys verifies the cookie without a shared key
/// ring (ASP.NET Core's cookie handler would need its data-protection keys shared across silos, through a store
/// this service does not otherwise have). Rotating the admin key ends every session signed with the old one.
/// </summary>
public static class OperatorSessionCookie
{
    public const string Name = "amd-operator";

    private const string Purpose = "account-metadata operator session v1:";

    public static string Issue(string adminKey, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(adminKey);
        var expiry = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return expiry + "." + Convert.ToBase64String(Sign(adminKey, expiry)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// True when <paramref name="cookie"/> was issued under one of <paramref name="adminKeys"/> and has not expired.
    /// Every key is compared in fixed time, as <see cref="ApiKeys.Matches"/> does for the header.
    /// </summary>
    public static bool IsValid(string cookie, IReadOnlyCollection<string> adminKeys, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        ArgumentNullException.ThrowIfNull(adminKeys);
        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(cookie.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)
            || expiresAt <= now.ToUnixTimeSeconds())
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!TryDecode(cookie.AsSpan(dot + 1), presented))
        {
            return false;
        }

        var expiry = cookie[..dot];
        var matched = false;
        foreach (var key in adminKeys)
        {
            matched |= CryptographicOperations.FixedTimeEquals(presented, Sign(key, expiry));
        }

        return matched;
    }

    private static byte[] Sign(string adminKey, string expiry) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(adminKey), Encoding.UTF8.GetBytes(Purpose + expiry));

    private static bool TryDecode(ReadOnlySpan<char> base64Url, Span<byte> into)
    {
        if (base64Url.Length is 0 or > 64)
        {
            return false;
        }

        Span<char> padded = stackalloc char[68];
        var length = 0;
        foreach (var c in base64Url)
        {
            padded[length++] = c switch { '-' => '+', '_' => '/', _ => c };
        }

        while (length % 4 != 0)
        {
            padded[length++] = '=';
        }

        return Convert.TryFromBase64Chars(padded[..length], into, out var written) && written == into.Length;
    }
}
