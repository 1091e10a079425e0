using System.Net;
using AccountMetadata.Api;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// What the environment name promises, checked before the silo binds a socket. The local profile (environment
/// <c>Local</c> or <c>Development</c>, demo keys in appsettings.Local.json) listens on loopback only; every other
/// environment is production and refuses to start without real write and admin keys.
/// </summary>
public static class DeploymentProfile
{
    /// <summary>Shortest key the production profile accepts: a guessable key is no key.</summary>
    public const int MinimumProductionKeyLength = 16;

    public static bool IsLocal(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.IsEnvironment("Local") || environment.IsDevelopment();
    }

    /// <summary>Throws, naming every problem and its fix, when the configuration breaks the profile's promise.</summary>
    public static void Enforce(IHostEnvironment environment, IConfiguration configuration, ApiOptions api)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(api);
        var problems = IsLocal(environment) ? LocalProblems(configuration) : ProductionProblems(api);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to start in the '{environment.EnvironmentName}' environment: {string.Join(" ", problems)}");
        }
    }

    private static List<string> LocalProblems(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var url in (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsLoopback(url))
            {
                problems.Add($"the local profile listens on loopback only, but '{url}' is not (use http://127.0.0.1:<port>).");
            }
        }

        // ASPNETCORE_HTTP_PORTS / HTTPS_PORTS bind every interface.
        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            if (!string.IsNullOrEmpty(configuration[key]))
            {
                problems.Add($"'{key}' binds every interface; the local profile takes --urls http://127.0.0.1:<port> instead.");
            }
        }

        return problems;
    }

    private static List<string> ProductionProblems(ApiOptions api)
    {
        var problems = new List<string>();
        foreach (var (name, keys) in new[] { ("Api:WriteApiKeys", api.WriteApiKeys), ("Api:AdminApiKeys", api.AdminApiKeys) })
        {
            if (keys.Count == 0)
            {
                problems.Add($"{name} is empty (set {name.Replace(":", "__", StringComparison.Ordinal)}__0 in the environment).");
            }
            else if (keys.Any(k => k.Length < MinimumProductionKeyLength))
            {
                problems.Add($"{name} holds a key shorter than {MinimumProductionKeyLength} characters.");
            }
        }

        return problems;
    }

    /// <summary>Wildcard hosts (<c>*</c>, <c>+</c>) do not even parse as URIs: not loopback either.</summary>
    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}
