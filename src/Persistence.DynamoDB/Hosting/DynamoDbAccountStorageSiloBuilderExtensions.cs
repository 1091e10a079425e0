namespace AccountMetadata.Persistence.DynamoDB;

/// <summary><see cref="ISiloBuilder"/> registration of the write-behind account storage.</summary>
public static class DynamoDbAccountStorageSiloBuilderExtensions
{
    /// <summary>Adds the write-behind DynamoDB account storage under <paramref name="name"/>.</summary>
    public static ISiloBuilder AddDynamoDbAccountStorage(
        this ISiloBuilder builder, string name, Action<DynamoDbOptions> configure, Action<WriteBehindOptions>? configureWriteBehind = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureServices(services => services.AddDynamoDbAccountStorage(name, configure, configureWriteBehind));
    }
}
