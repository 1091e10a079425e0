using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// For the benchmark only (off unless <c>Benchmark:EnableDirectReads</c> is true): the same read as
/// <c>GET /accounts/{id}/namespaces/{ns}</c>, served by reading DynamoDB on every request, as a service without
/// grains would. It exists to measure what serving from grain memory is worth.
/// </summary>
public static class DirectReadBaseline
{
    public const string SettingName = "Benchmark:EnableDirectReads";

    public static IEndpointRouteBuilder MapDirectReadBaseline(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/bench/direct/accounts/{accountId}/namespaces/{namespace}", async (
            string accountId, string @namespace, IAmazonDynamoDB client, DynamoDbOptions options, NameInterner names, CancellationToken cancellationToken) =>
        {
            var response = await client.GetItemAsync(new GetItemRequest
            {
                TableName = options.TableName,
                Key = AccountItemCodec.Key(accountId, @namespace),
            }, cancellationToken).ConfigureAwait(false);
            return response.Item is { Count: > 0 } item
                ? AccountJson.Namespace(accountId, AccountItemCodec.FromItem(item, names))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Namespace not found");
        });
        return endpoints;
    }
}
