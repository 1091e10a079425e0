using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// For the benchmark only (off unless <c>Benchmark:EnableDirectReads</c> is true), two baselines for
/// <c>GET /accounts/{id}/namespaces/{ns}</c>: the same read served by reading DynamoDB on every request, as a service
/// without grains would (what serving from grain memory is worth), and the same response written from a fixed
/// snapshot with no grain call at all (the ceiling of Kestrel, routing and JSON on this machine).
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
        // An "orders" namespace like the benchmark's (five features, values of the same lengths).
        var sample = NamespaceFeatures.Empty("orders").ToBuilder();
        sample.Add("total_orders", "4213", 1_700_000_000_000);
        sample.Add("orders_last_30d", "1870", 1_700_000_000_000);
        sample.Add("average_ticket", "87.31", 1_700_000_000_000);
        sample.Add("favourite_restaurant", "Sushi Bar Kenzo", 1_700_000_000_000);
        sample.Add("top_dishes", "Pizzaria Bella special;feijoada;acai bowl", 1_700_000_000_000);
        var snapshot = sample.Build(1_700_000_000_000);
        endpoints.MapGet("/bench/bare/accounts/{accountId}/namespaces/{namespace}", (string accountId, string @namespace) =>
            AccountJson.Namespace(accountId, snapshot));
        return endpoints;
    }
}
