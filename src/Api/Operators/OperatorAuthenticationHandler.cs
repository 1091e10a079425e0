using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AccountMetadata.Api.Operators;

/// <summary>
/// Operators are whoever holds an admin key: scripts send it in <c>X-Api-Key</c> on each request, a browser signs in
/// once (<see cref="OperatorSignInEndpoints"/>) and carries <see cref="OperatorSessionCookie"/>. Without either, a
/// browser navigating to a page is sent to the sign-in page and anything else gets a 401 problem.
/// </summary>
public sealed class OperatorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiOptions api, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string WrongKey = "The key in X-Api-Key is not an admin key.";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.TryGetValue(ApiKeys.HeaderName, out var presented) && !string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(ApiKeys.Matches(presented.ToString(), api.AdminApiKeys)
                ? Success("api-key")
                : AuthenticateResult.Fail(WrongKey));
        }

        if (Request.Cookies.TryGetValue(OperatorSessionCookie.Name, out var cookie)
            && OperatorSessionCookie.IsValid(cookie, api.AdminApiKeys, time.GetUtcNow()))
        {
            return Task.FromResult(Success("session"));
        }

        return Task.FromResult(AuthenticateResult.NoResult());
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await Context.AuthenticateAsync(Scheme.Name).ConfigureAwait(false);
        if (outcome.Failure is { Message: WrongKey })
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong API key", detail: WrongKey)
                .ExecuteAsync(Context).ConfigureAwait(false);
            return;
        }

        if (IsPageNavigation(Request))
        {
            Response.Redirect(OperatorSignInEndpoints.SignInPath + "?returnUrl=" + Uri.EscapeDataString(Request.PathBase + Request.Path + Request.QueryString));
            return;
        }

        Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        await TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Admin key required",
                detail: $"Operators' pages need the admin key: sign in at {OperatorSignInEndpoints.SignInPath}, or send it in the {ApiKeys.HeaderName} header.")
            .ExecuteAsync(Context).ConfigureAwait(false);
    }

    /// <summary>A browser loading a page (not a script's fetch of JSON): it can follow a redirect to the sign-in form.</summary>
    private static bool IsPageNavigation(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private AuthenticateResult Success(string method)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, OperatorAuthentication.Role)], method);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
