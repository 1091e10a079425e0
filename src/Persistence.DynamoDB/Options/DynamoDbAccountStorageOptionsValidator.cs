using Orleans.Runtime;

namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>Refuses to start a silo whose account storage settings cannot work, naming the setting.</summary>
internal sealed class DynamoDbAccountStorageOptionsValidator(string name, DynamoDbOptions table, WriteBehindOptions writeBehind)
    : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        Require(!string.IsNullOrWhiteSpace(table.TableName), $"{DynamoDbOptions.SectionName}:{nameof(DynamoDbOptions.TableName)} is empty");
        Require(!string.IsNullOrWhiteSpace(table.Region), $"{DynamoDbOptions.SectionName}:{nameof(DynamoDbOptions.Region)} is empty");
        Require(string.IsNullOrEmpty(table.ServiceUrl) || Uri.TryCreate(table.ServiceUrl, UriKind.Absolute, out _),
            $"{DynamoDbOptions.SectionName}:{nameof(DynamoDbOptions.ServiceUrl)} '{table.ServiceUrl}' is not an absolute URL");
        Require(table.MaxConcurrentRequests > 0, $"{DynamoDbOptions.SectionName}:{nameof(DynamoDbOptions.MaxConcurrentRequests)} must be positive");
        Require(table.MaxConcurrentBatchLoads > 0, $"{DynamoDbOptions.SectionName}:{nameof(DynamoDbOptions.MaxConcurrentBatchLoads)} must be positive");
        const string section = WriteBehindOptions.SectionName;
        Require(writeBehind.FlushInterval > TimeSpan.Zero, $"{section}:{nameof(WriteBehindOptions.FlushInterval)} must be positive");
        Require(writeBehind.FlushAtDirtyNamespaces > 0, $"{section}:{nameof(WriteBehindOptions.FlushAtDirtyNamespaces)} must be positive");
        Require(writeBehind.FlushAtDirtyBytes > 0, $"{section}:{nameof(WriteBehindOptions.FlushAtDirtyBytes)} must be positive");
        Require(writeBehind.MaxConcurrentBatches > 0, $"{section}:{nameof(WriteBehindOptions.MaxConcurrentBatches)} must be positive");
        Require(writeBehind.MaxAttempts > 0, $"{section}:{nameof(WriteBehindOptions.MaxAttempts)} must be at least 1");
        Require(writeBehind.InitialBackoff > TimeSpan.Zero && writeBehind.MaxBackoff >= writeBehind.InitialBackoff,
            $"{section}: {nameof(WriteBehindOptions.InitialBackoff)} must be positive and at most {nameof(WriteBehindOptions.MaxBackoff)}");
        Require(writeBehind.ShutdownFlushTimeout > TimeSpan.Zero, $"{section}:{nameof(WriteBehindOptions.ShutdownFlushTimeout)} must be positive");
    }

    private void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new OrleansConfigurationException($"Grain storage '{name}': {problem}.");
        }
    }
}
