using AccountMetadata.Api;

namespace AccountMetadata.Silo.Schemas;

/// <summary>The registry as the API sees it.</summary>
public sealed class NamespaceSchemasAdapter(NamespaceSchemaRegistry registry) : INamespaceSchemas
{
    public IReadOnlyCollection<string> Namespaces => [.. registry.All.Select(s => s.Namespace)];

    public string? GetDocument(string namespaceName) => registry.Find(namespaceName)?.Json;

    public async Task<string?> PutAsync(string namespaceName, string document, CancellationToken cancellationToken)
    {
        try
        {
            await registry.PutAsync(namespaceName, document, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (SchemaDefinitionException exception)
        {
            return exception.Message;
        }
    }
}
