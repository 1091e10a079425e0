using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
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

    /// <summary>Only operators reach these endpoints.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(Policy);
}
