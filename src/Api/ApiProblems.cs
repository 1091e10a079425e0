using AccountMetadata.Grains;
using Microsoft.AspNetCore.Http;

namespace AccountMetadata.Api;

/// <summary>The API's problem+json answers, worded once.</summary>
internal static class ApiProblems
{
    public const string AccountIdSyntax = "1-128 characters of A-Z a-z 0-9 - _ . : @";
    public const string NamespaceSyntax = "1-64 characters of a-z 0-9 - _, starting with a letter";

    public static IResult InvalidAccountId(string accountId) => BadRequest(
        "Invalid account id", $"'{Truncate(accountId)}' is not an account id: expected {AccountIdSyntax}.");

    public static IResult InvalidNamespace(string @namespace) => BadRequest(
        "Invalid namespace", $"'{Truncate(@namespace)}' is not a namespace: expected {NamespaceSyntax}.");

    public static IResult AccountNotFound(string accountId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Account not found", detail: $"No metadata is stored for account '{accountId}'.");

    public static IResult NamespaceNotFound(string accountId, string @namespace) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Namespace not found",
        detail: $"Account '{accountId}' has no features in namespace '{@namespace}'.");

    public static IResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    public static IResult TooLarge(long limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large", detail: $"The limit is {limit} bytes.");

    /// <summary>503: nothing of the request is guaranteed stored; retrying it is safe (writes are last-writer-wins).</summary>
    public static IResult IngestUnavailable(HttpContext context, IngestUnavailableException exception)
    {
        context.Response.Headers.RetryAfter = "2";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Broker unavailable",
            detail: $"The ingest topic did not take the write ({exception.Message}); nothing from this request is guaranteed stored. Retry shortly: writes are idempotent.");
    }

    public static bool IsValid(string accountId) => Identifiers.IsValidAccountId(accountId);

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
