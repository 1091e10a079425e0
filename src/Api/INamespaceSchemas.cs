namespace AccountMetadata.Api;

/// <summary>Namespace schemas as the API sees them, implemented by the silo's schema registry.</summary>
public interface INamespaceSchemas
{
    IReadOnlyCollection<string> Namespaces { get; }

    /// <summary>The registered JSON Schema document, or null.</summary>
    string? GetDocument(string namespaceName);

    /// <summary>Registers or replaces a schema; returns null on success or why the document was refused.</summary>
    Task<string?> PutAsync(string namespaceName, string document, CancellationToken cancellationToken);
}
