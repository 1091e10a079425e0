using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Kafka;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Dashboard;

/// <summary>
/// <c>/dashboard</c>: the operators' page (static files shipped inside the silo, no CDN) and the JSON it renders,
/// under <c>/dashboard/api</c>. The JSON needs the admin key when one is configured, since it shows customer data.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        endpoints.MapGet("/dashboard", () => File("index.html"));
        foreach (var file in ContentTypes.Keys)
        {
            endpoints.MapGet("/dashboard/" + file, () => File(file));
        }

        var api = endpoints.MapGroup("/dashboard/api");
        if (options.AdminApiKeys.Count > 0)
        {
            api.AddEndpointFilter((context, next) =>
                ApiKeys.Authorize(context.HttpContext, options.AdminApiKeys, "admin") is { } denied ? ValueTask.FromResult<object?>(denied) : next(context));
        }

        api.MapGet("/snapshot", (DashboardSampler sampler) => TypedResults.Json(sampler.Latest, DashboardJsonContext.Default.DashboardSnapshot));
        api.MapGet("/history", (DashboardSampler sampler) => TypedResults.Json(sampler.History, DashboardJsonContext.Default.IReadOnlyListSeriesPoint));
        api.MapGet("/logs", (DashboardLogBuffer logs, long? after, LogLevel? level) =>
            TypedResults.Json(logs.Since(after ?? -1, level ?? LogLevel.Information), DashboardJsonContext.Default.IReadOnlyListLogEntry));
        api.MapGet("/accounts/{accountId}", InspectAsync);
        return endpoints;
    }

    /// <summary>
    /// The account as its activation holds it, wherever in the cluster that is. Looking does not activate: an account
    /// not in memory anywhere is reported as such unless <c>activate=true</c> asks to load it.
    /// </summary>
    private static async Task<IResult> InspectAsync(string accountId, bool? activate, IGrainFactory grains)
    {
        if (!Identifiers.IsValidAccountId(accountId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid account id", detail: $"'{accountId}' is not an account id.");
        }

        var grain = grains.GetGrain<IAccountGrain>(accountId);
        var management = grains.GetGrain<IManagementGrain>(0);
        var silo = await management.GetActivationAddress(grain).ConfigureAwait(false);
        if (silo is null && activate != true)
        {
            return TypedResults.Json(new AccountInspectionView(accountId, Active: false, null, []), DashboardJsonContext.Default.AccountInspectionView);
        }

        var inspection = await grain.InspectAsync().ConfigureAwait(false);
        silo ??= await management.GetActivationAddress(grain).ConfigureAwait(false);
        var namespaces = inspection.Namespaces.Select(n => new NamespaceInspectionView(
            n.Features.Namespace,
            DateTimeOffset.FromUnixTimeMilliseconds(n.Features.UpdatedAt),
            n.IsDurable,
            [.. Enumerable.Range(0, n.Features.Count).Select(i => new FeatureView(n.Features.NameAt(i), n.Features.ValueAt(i), n.Features.TimestampAt(i)))])).ToList();
        return TypedResults.Json(new AccountInspectionView(accountId, Active: true, silo?.ToString(), namespaces), DashboardJsonContext.Default.AccountInspectionView);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileStreamHttpResult File(string name)
    {
        var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("dashboard/" + name)
            ?? throw new InvalidOperationException($"dashboard/{name} is not embedded");
        return TypedResults.Stream(stream, ContentTypes[name]);
    }
}
