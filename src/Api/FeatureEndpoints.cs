using System.Text.Json;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AccountMetadata.Api;

/// <summary>
/// <c>POST /features</c>: the data teams' batch write. All or nothing: every item is validated first (400 listing
/// each bad item by index and reason, nothing produced); then all are produced to the ingest topic keyed by
/// account id, and the answer is 202 once the broker has acknowledged every one. A failure while producing is a
/// 503; retrying the whole batch is safe because features are last-writer-wins by timestamp.
/// </summary>
public static class FeatureEndpoints
{
    public static IEndpointRouteBuilder MapFeatureEndpoints(this IEndpointRouteBuilder endpoints, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        endpoints.MapPost("/features", (HttpContext context, IFeatureIngress ingress) => PostAsync(context, ingress, options));
        return endpoints;
    }

    private static async Task<IResult> PostAsync(HttpContext context, IFeatureIngress ingress, ApiOptions options)
    {
        if (ApiKeys.Authorize(context, options.WriteApiKeys, "write") is { } denied)
        {
            return denied;
        }

        if (JsonRequestBody.Enforce(context, options.MaxFeatureBatchBytes) is { } refused)
        {
            return refused;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            return ApiProblems.BadRequest("Malformed body", $"The body is not valid JSON: {exception.Message}");
        }

        using (document)
        {
            var items = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("items", out var wrapped)
                ? wrapped
                : document.RootElement;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
            {
                return ApiProblems.BadRequest("Expected items", "The body must be a non-empty JSON array of features (or {\"items\": [...]}).");
            }

            if (items.GetArrayLength() > options.MaxFeatureBatchItems)
            {
                return ApiProblems.BadRequest("Too many items", $"At most {options.MaxFeatureBatchItems} items per call; got {items.GetArrayLength()}.");
            }

            var messages = new List<(string AccountId, byte[] Message)>(items.GetArrayLength());
            var errors = new List<ItemProblem>();
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                var bytes = JsonMarshal.GetRawUtf8Value(item).ToArray();
                if (ingress.Validate(bytes, out var accountId) is { } error)
                {
                    errors.Add(new ItemProblem(index, error.Reason, error.Detail));
                }
                else
                {
                    messages.Add((accountId!, bytes));
                }

                index++;
            }

            if (errors.Count > 0)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Invalid items",
                    detail: $"{errors.Count} of {index} items are invalid; nothing was written.",
                    extensions: new Dictionary<string, object?> { ["errors"] = errors });
            }

            try
            {
                await ingress.PublishAsync(messages, context.RequestAborted).ConfigureAwait(false);
            }
            catch (IngestUnavailableException unavailable)
            {
                return ApiProblems.IngestUnavailable(context, unavailable);
            }

            return TypedResults.Accepted((string?)null, new FeatureBatchAccepted(messages.Count));
        }
    }
}
