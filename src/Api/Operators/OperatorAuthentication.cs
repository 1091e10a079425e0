using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AccountMetadata.Api.Operators;

/// <summary>
/// The operators' pages (the Orleans Dashboard, the pipeline view) and their JSON APIs: ASP.NET Core authentication
/// with <see cref="OperatorAuthenticationHandler"/>, and the policy those endpoint groups require.
/// </summary>
public static class OperatorAuthentication
{
    public const string Scheme = "AdminKey";
    public const string Policy = "Operators";
    public const string Role = "operator";

    /// <summary>
    /// No default scheme: only the endpoints that require <see cref="Policy"/> run the handler (the authorization
    /// middleware authenticates a policy's schemes itself), so the public API's requests, which carry write keys,
    /// never pay for an admin-key check. ASP.NET Core makes a lone scheme the default unless told not to.
    /// </summary>
    public static IServiceCollection AddOperatorAuthentication(this IServiceCollection services)
    {
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, OperatorAuthenticationHandler>(Scheme, configureOptions: null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(Role));
        return services;
    }

    /// <summary>
    /// Authentication and authorization for the requests routed to an endpoint that asks for authorization (the
    /// operators'), and for no other. Run for every request, as WebApplication would add them, they cost the public
    /// API a request service scope, an authentication handler provider and an items dictionary per read (~20% of what
    /// a hot read allocated). An endpoint with authorization metadata never slips past: the predicate is the test
    /// ASP.NET Core's endpoint middleware applies, and that middleware refuses to run such an endpoint unless the
    /// authorization middleware ran.
    /// </summary>
    public static IApplicationBuilder UseOperatorAuthentication(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // WebApplication adds both middlewares in front of every request unless the pipeline has them already, which it
        // learns from these properties (UseAuthentication and UseAuthorization set them; their names are internal).
        app.Properties["__AuthenticationMiddlewareSet"] = true;
        app.Properties["__AuthorizationMiddlewareSet"] = true;
        return app.UseWhen(AsksForAuthorization, operators => operators.UseAuthentication().UseAuthorization());
    }

    private static bool AsksForAuthorization(HttpContext context) => context.GetEndpoint()?.Metadata is { } metadata
        && (metadata.GetMetadata<IAuthorizeData>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null
            || metadata.GetMetadata<IAuthorizationRequirementData>() is not null);

    /// <summary>Only operators reach these endpoints.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(Policy);
}
