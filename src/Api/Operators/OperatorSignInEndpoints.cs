using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AccountMetadata.Api.Operators;

/// <summary>
/// <c>/signin</c>: an operator types the admin key once; the answer is an HttpOnly, SameSite=Strict session cookie
/// (<see cref="OperatorSessionCookie"/>), never the key. <c>POST /signout</c> drops it.
/// </summary>
public static class OperatorSignInEndpoints
{
    public const string SignInPath = "/signin";
    private const string DefaultReturnUrl = "/dashboard/";

    public static IEndpointRouteBuilder MapOperatorSignIn(this IEndpointRouteBuilder endpoints, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        endpoints.MapGet(SignInPath, (string? returnUrl) => Page(LocalOrDefault(returnUrl), error: null, StatusCodes.Status200OK));
        endpoints.MapPost(SignInPath, (HttpContext context, TimeProvider time) => SignInAsync(context, options, time));
        endpoints.MapPost("/signout", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(OperatorSessionCookie.Name, CookieOptions(context, expires: null));
            return TypedResults.Redirect(SignInPath);
        });
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, ApiOptions options, TimeProvider time)
    {
        if (!context.Request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Form expected",
                detail: "Sign in with an application/x-www-form-urlencoded body carrying 'key'.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var returnUrl = LocalOrDefault(form["returnUrl"]);
        var key = form["key"].ToString();
        if (key.Length == 0 || !ApiKeys.Matches(key, options.AdminApiKeys))
        {
            return Page(returnUrl, "That is not an admin key.", StatusCodes.Status401Unauthorized);
        }

        var expires = time.GetUtcNow() + options.OperatorSessionLifetime;
        context.Response.Cookies.Append(OperatorSessionCookie.Name, OperatorSessionCookie.Issue(key, expires), CookieOptions(context, expires));
        return TypedResults.Redirect(returnUrl); // 302 to a GET: the browser follows with the cookie
    }

    private static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    /// <summary>Only a path on this site: an open redirect would let a link send a fresh operator anywhere.</summary>
    private static string LocalOrDefault(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            ? url
            : DefaultReturnUrl;

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Page(string returnUrl, string? error, int status)
    {
        var html = HtmlEncoder.Default;
        var message = error is null ? string.Empty : $"<p class=\"error\" id=\"signin-error\">{html.Encode(error)}</p>";
        return TypedResults.Content($$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Account metadata · operators</title>
              <style>
                body { font: 15px system-ui, sans-serif; background: #f4f5f7; display: grid; place-items: center; height: 100vh; margin: 0; }
                form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; display: grid; gap: .8rem; min-width: 20rem; }
                input[type=password] { padding: .5rem; font-size: 1rem; }
                button { padding: .5rem; font-size: 1rem; }
                .error { color: #b00020; margin: 0; }
              </style>
            </head>
            <body>
              <form id="signin-form" method="post" action="{{SignInPath}}">
                <h1>Operators</h1>
                {{message}}
                <label>Admin key <input id="signin-key" name="key" type="password" autocomplete="off" autofocus required></label>
                <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl)}}">
                <button type="submit">Sign in</button>
              </form>
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
    }
}
