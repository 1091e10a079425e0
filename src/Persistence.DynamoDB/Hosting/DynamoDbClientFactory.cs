using Amazon.DynamoDBv2;
using Amazon.Runtime;


namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>Creates the DynamoDB client: static local credentials against DynamoDB Local, the default chain otherwise.</summary>
public static class DynamoDbClientFactory
{
    public static IAmazonDynamoDB Create(DynamoDbOptions options)
    {
        var config = new AmazonDynamoDBConfig
        {
            // The SDK's own retries stay on for transport errors; throttling of batch items is retried by the flusher.
            MaxErrorRetry = 3,
            Timeout = TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = options.MaxConcurrentRequests,
        };
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
            return new AmazonDynamoDBClient(config);
        }

        config.ServiceURL = options.ServiceUrl;
        config.AuthenticationRegion = options.Region;
        return new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
    }
}
