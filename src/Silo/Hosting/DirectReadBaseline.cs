using AccountMetadata.Api;
using AccountMetadata.Grains;
using AccountMetadata.Persistence.DynamoDB;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AccountMetadata.Silo.Hosting;

/// <summary>
/// For the benchmark only (off unless <c>Benchmark:EnableDirectReads</c> is true), two baselines for
/// <c>GET /accounts/{id}/namespaces/{ns}</c>: the same read served by reading DynamoDB on every request, as a service
/// without grains would (what serving from grain memory is worth), and the same responses (one namespace, the whole
/// account) written from a fixed snapshot with no grain call at all (the ceiling of Kestrel, routing and JSON on this machine).
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
        // An account like the benchmark's: four namespaces of five features, values of the same lengths.
        var orders = Sample("orders",
            ("total_orders", "4213"), ("orders_last_30d", "1870"), ("average_ticket", "87.31"),
            ("favourite_restaurant", "Sushi Bar Kenzo"), ("top_dishes", "Pizzaria Bella special;feijoada;acai bowl"));
        NamespaceFeatures[] account =
        [
            orders,
            Sample("rewards", ("points", "1520"), ("tier", "gold"), ("lifetime_points", "3032"), ("coupons_available", "7"), ("expires_at", "2027-03-01T00:00:00Z")),
            Sample("preferences", ("cuisine", "Green Bowl"), ("dietary", "vegetarian"), ("language", "pt-BR"), ("push_opt_in", "true"), ("delivery_window", "18:00-21:30")),
            Sample("segments", ("segment", "segment-7"), ("churn_risk", "0.124"), ("ltv_bucket", "6"), ("is_vip", "false"), ("cohort", "2023-07")),
        ];
        endpoints.MapGet("/bench/bare/accounts/{accountId}/namespaces/{namespace}", (string accountId, string @namespace) =>
            AccountJson.Namespace(accountId, orders));
        endpoints.MapGet("/bench/bare/accounts/{accountId}", (string accountId) => AccountJson.Account(accountId, account));
        return endpoints;
    }

    private static NamespaceFeatures Sample(string name, params (string Feature, string Value)[] features)
    {
        var builder = NamespaceFeatures.Empty(name).ToBuilder();
        foreach (var (feature, value) in features)
        {
            builder.Add(feature, value, 1_700_000_000_000);
        }

        return builder.Build(1_700_000_000_000);
    }
}
