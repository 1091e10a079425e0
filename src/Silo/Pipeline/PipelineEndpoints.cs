using AccountMetadata.Api;
using AccountMetadata.Api.Operators;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Kafka;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Silo.Pipeline;

/// <summary>
/// <c>/pipeline</c>: the pipeline view, what the Orleans Dashboard (<c>/dashboard</c>) does not know about Kafka and
/// DynamoDB: static files shipped inside the silo (no CDN) and the JSON they render, under <c>/pipeline/api</c>. Page
/// and JSON are for operators only (<see cref="OperatorAuthentication"/>): they show customer data.
/// </summary>
public static class PipelineEndpoints
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    public const string Path = "/pipeline";

    public static IEndpointRouteBuilder MapPipelineView(this IEndpointRouteBuilder endpoints)
    {
        var pipeline = endpoints.MapGroup(Path).RequireOperator();
        pipeline.MapGet("/", () => File("index.html"));
        foreach (var file in ContentTypes.Keys)
        {
            pipeline.MapGet("/" + file, () => File(file));
        }

        var api = pipeline.MapGroup("/api");

        api.MapGet("/snapshot", (PipelineSampler sampler) => TypedResults.Json(sampler.Latest, PipelineJsonContext.Default.PipelineSnapshot));
        api.MapGet("/cluster", async (ClusterPipeline cluster) => TypedResults.Bytes(await cluster.GatherJsonAsync().ConfigureAwait(false), "application/json"));
        api.MapGet("/logs", (PipelineLogBuffer logs, long? after, LogLevel? level) =>
            TypedResults.Json(logs.Since(after ?? -1, level ?? LogLevel.Information), PipelineJsonContext.Default.IReadOnlyListLogEntry));
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

        var view = await grains.GetGrain<IAccountStateViewGrain>(accountId).InspectAsync(activate == true).ConfigureAwait(false);
        return TypedResults.Json(view, PipelineJsonContext.Default.AccountStateView);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileStreamHttpResult File(string name)
    {
        var stream = typeof(PipelineEndpoints).Assembly.GetManifestResourceStream("pipeline/" + name)
            ?? throw new InvalidOperationException($"pipeline/{name} is not embedded");
        return TypedResults.Stream(stream, ContentTypes[name]);
    }
}
