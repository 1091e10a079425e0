using System.Text.Json;
using AccountMetadata.Api.Json;
using AccountMetadata.Api.Results;
using AccountMetadata.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AccountMetadata.Api;

/// <summary>
/// The read API, served from account grains' memory. Endpoints reach accounts only through
/// <see cref="IGrainFactory"/>, never storage.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var accounts = endpoints.MapGroup("/accounts");
        if (options.RequireKeyForReads)
        {
            accounts.AddEndpointFilter((context, next) =>
                HttpMethods.IsGet(context.HttpContext.Request.Method) || context.HttpContext.Request.Path.StartsWithSegments("/accounts/batch-get")
                    ? ApiKeys.Authorize(context.HttpContext, [.. options.WriteApiKeys, .. options.AdminApiKeys], "read") is { } denied
                        ? ValueTask.FromResult<object?>(denied)
                        : next(context)
                    : next(context));
        }

        // Singletons resolved once here, not per request: a handler that asks for a service makes ASP.NET create a
        // request scope, a cost the read path (tens of thousands of requests a second) does not need to pay.
        var grains = new AccountGrainReferences(endpoints.ServiceProvider.GetRequiredService<IGrainFactory>());
        var ingress = endpoints.ServiceProvider.GetRequiredService<IFeatureIngress>();
        // The two reads are request delegates, not typed handlers: a typed handler that completes asynchronously (a
        // grain call always does) costs a second state machine, the request delegate factory's, on every read.
        accounts.MapGet("/{accountId}", context => ReadAccountAsync(context, grains));
        accounts.MapGet("/{accountId}/namespaces/{namespace}", context => ReadNamespaceAsync(context, grains));
        accounts.MapDelete("/{accountId}", (string accountId, HttpContext context) => DeleteAccountAsync(accountId, context, ingress, options));
        accounts.MapPost("/batch-get", (HttpRequest request) => BatchGetAsync(request.HttpContext, grains, options));
        return endpoints;
    }

    private static async Task ReadAccountAsync(HttpContext context, AccountGrainReferences grains)
    {
        var accountId = RouteValue(context, "accountId");
        if (!ApiProblems.IsValid(accountId))
        {
            await ApiProblems.InvalidAccountId(accountId).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var namespaces = (await ReadAllAsync(grains.Get(accountId)).ConfigureAwait(false)).Value;
        var result = namespaces.Length == 0 ? ApiProblems.AccountNotFound(accountId) : new AccountResult(accountId, namespaces);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task ReadNamespaceAsync(HttpContext context, AccountGrainReferences grains)
    {
        var accountId = RouteValue(context, "accountId");
        var @namespace = RouteValue(context, "namespace");
        var invalid = !ApiProblems.IsValid(accountId) ? ApiProblems.InvalidAccountId(accountId)
            : !Identifiers.IsValidNamespace(@namespace) ? ApiProblems.InvalidNamespace(@namespace)
            : null;
        if (invalid is not null)
        {
            await invalid.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var grain = grains.Get(accountId);
        NamespaceFeatures? features;
        try
        {
            features = await grain.GetNamespaceAsync(@namespace).ConfigureAwait(false);
        }
        catch (Exception exception) when (ClusterChangeRetry.IsTransient(exception))
        {
            features = await ClusterChangeRetry.ReadAgainAsync((grain, @namespace), static read => read.grain.GetNamespaceAsync(read.@namespace)).ConfigureAwait(false);
        }

        var result = features is null ? ApiProblems.NamespaceNotFound(accountId, @namespace) : new NamespaceResult(accountId, features);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>A segment of the matched route: routing only matches these endpoints when it is there.</summary>
    private static string RouteValue(HttpContext context, string name) => (string)context.Request.RouteValues[name]!;

    /// <summary>
    /// Erasure travels through the ingest topic, keyed by the account, so it is ordered with the account's features
    /// and applied by whichever silo owns the account: 202 once the broker has it.
    /// </summary>
    private static async Task<IResult> DeleteAccountAsync(string accountId, HttpContext context, IFeatureIngress ingress, ApiOptions options)
    {
        if (ApiKeys.Authorize(context, options.WriteApiKeys, "write") is { } denied)
        {
            return denied;
        }

        if (!ApiProblems.IsValid(accountId))
        {
            return ApiProblems.InvalidAccountId(accountId);
        }

        try
        {
            await ingress.PublishEraseAsync(accountId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (IngestUnavailableException unavailable)
        {
            return ApiProblems.IngestUnavailable(context, unavailable);
        }

        return TypedResults.Accepted($"/accounts/{accountId}", new EraseAccepted(accountId, "erase queued"));
    }

    private static async Task<IResult> BatchGetAsync(HttpContext context, AccountGrainReferences grains, ApiOptions options)
    {
        if (JsonRequestBody.Enforce(context, options.MaxRequestBodyBytes) is { } refused)
        {
            return refused;
        }

        BatchGetRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync(ApiJsonContext.Default.BatchGetRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            return ApiProblems.BadRequest("Malformed body", $"The body is not valid JSON for a batch-get: {exception.Message}");
        }
        catch (InvalidOperationException exception)
        {
            return ApiProblems.BadRequest("Unsupported body", exception.Message);
        }

        if (request?.AccountIds is not { Count: > 0 } accountIds)
        {
            return ApiProblems.BadRequest("Missing accountIds", "The body must be {\"accountIds\": [...], \"namespaces\": [...] (optional)}.");
        }

        if (accountIds.Count > options.MaxBatchGetAccounts)
        {
            return ApiProblems.BadRequest("Too many accounts", $"At most {options.MaxBatchGetAccounts} account ids per call; got {accountIds.Count}.");
        }

        foreach (var accountId in accountIds)
        {
            if (accountId is null || !ApiProblems.IsValid(accountId))
            {
                return ApiProblems.InvalidAccountId(accountId ?? "null");
            }
        }

        HashSet<string>? only = null;
        if (request.Namespaces is { Count: > 0 } namespaces)
        {
            foreach (var ns in namespaces)
            {
                if (ns is null || !Identifiers.IsValidNamespace(ns))
                {
                    return ApiProblems.InvalidNamespace(ns ?? "null");
                }
            }

            only = [.. namespaces];
        }

        var distinct = accountIds.Distinct(StringComparer.Ordinal).ToArray();
        var reads = new Task<Immutable<NamespaceFeatures[]>>[distinct.Length];
        for (var i = 0; i < distinct.Length; i++)
        {
            reads[i] = ReadAllAsync(grains.Get(distinct[i])).AsTask();
        }

        await Task.WhenAll(reads).ConfigureAwait(false);
        var results = new IReadOnlyList<NamespaceFeatures>[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            results[i] = reads[i].Result.Value;
        }

        return new BatchGetResult(distinct, results, only);
    }

    /// <summary>An account's namespaces, read again if the cluster was changing under the first read.</summary>
    private static async ValueTask<Immutable<NamespaceFeatures[]>> ReadAllAsync(IAccountGrain grain)
    {
        try
        {
            return await grain.GetAllAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (ClusterChangeRetry.IsTransient(exception))
        {
            return await ClusterChangeRetry.ReadAgainAsync(grain, static read => read.GetAllAsync()).ConfigureAwait(false);
        }
    }
}
