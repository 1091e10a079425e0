using AccountMetadata.Api.Results;
using AccountMetadata.Grains;
using Microsoft.AspNetCore.Http;

namespace AccountMetadata.Api;

/// <summary>The read API's response writers, for hosts that serve the same shapes from elsewhere (the benchmark baseline).</summary>
public static class AccountJson
{
    public static IResult Namespace(string accountId, NamespaceFeatures features) => new NamespaceResult(accountId, features);

    public static IResult Account(string accountId, IReadOnlyList<NamespaceFeatures> namespaces) => new AccountResult(accountId, namespaces);
}
