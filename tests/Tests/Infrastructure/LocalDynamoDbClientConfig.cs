using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace AccountMetadata.Tests.Infrastructure;

/// <summary>What the test clients that wrap the real DynamoDB Local client (to inject faults or hold calls) connect with.</summary>
internal static class LocalDynamoDbClientConfig
{
    /// <summary>DynamoDB Local accepts any credentials.</summary>
    public static AWSCredentials Credentials => new BasicAWSCredentials("local", "local");

    /// <summary>
    /// The stack's DynamoDB Local; <paramref name="sdkRetries"/> false when the service's own retries are under test,
    /// not the SDK's.
    /// </summary>
    public static AmazonDynamoDBConfig Create(bool sdkRetries)
    {
        var config = new AmazonDynamoDBConfig { ServiceURL = StackEndpoints.Current.DynamoDbUrl, AuthenticationRegion = "us-east-1" };
        if (!sdkRetries)
        {
            config.MaxErrorRetry = 0;
        }

        return config;
    }
}
