using AccountMetadata.Grains;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AccountMetadata.Api;

/// <summary><c>GET/PUT /namespaces/{namespace}/schema</c> and <c>GET /namespaces</c>.</summary>
public static class SchemaEndpoints
{
    private const string SchemaMediaType = "application/schema+json";

    public static IEndpointRouteBuilder MapSchemaEndpoints(this IEndpointRouteBuilder endpoints, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        endpoints.MapGet("/namespaces", (INamespaceSchemas schemas) => TypedResults.Ok(new NamespaceList([.. schemas.Namespaces.Order(StringComparer.Ordinal)])));
        endpoints.MapGet("/namespaces/{namespace}/schema", (string @namespace, INamespaceSchemas schemas) =>
            !Identifiers.IsValidNamespace(@namespace) ? ApiProblems.InvalidNamespace(@namespace)
            : schemas.GetDocument(@namespace) is { } document ? TypedResults.Text(document, SchemaMediaType)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No schema", detail: $"Namespace '{@namespace}' has no registered schema."));
        endpoints.MapPut("/namespaces/{namespace}/schema", (string @namespace, HttpContext context, INamespaceSchemas schemas) =>
            PutAsync(@namespace, context, schemas, options));
        return endpoints;
    }

    private static async Task<IResult> PutAsync(string @namespace, HttpContext context, INamespaceSchemas schemas, ApiOptions options)
    {
        if (ApiKeys.Authorize(context, [.. options.AdminApiKeys, .. options.WriteApiKeys], "admin or write") is { } denied)
        {
            return denied;
        }

        if (!Identifiers.IsValidNamespace(@namespace))
        {
            return ApiProblems.InvalidNamespace(@namespace);
        }

        if (JsonRequestBody.Enforce(context, options.MaxRequestBodyBytes) is { } refused)
        {
            return refused;
        }

        using var reader = new StreamReader(context.Request.Body);
        var document = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        if (await schemas.PutAsync(@namespace, document, context.RequestAborted).ConfigureAwait(false) is { } refusal)
        {
            return ApiProblems.BadRequest("Invalid schema", refusal);
        }

        return TypedResults.Text(document, SchemaMediaType);
    }
}
