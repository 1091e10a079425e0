namespace AccountMetadata.Persistence.DynamoDB;

/// <summary>
/// The namespaces accounts may have items in (the service's schema registry, say). With one registered, the storage
/// loads accounts by BatchGetItem over these namespaces instead of one Query per account. The list only grows, and
/// keeps its reference while it does not change: accounts loaded over it compare by reference first.
/// </summary>
public interface IAccountNamespaceCatalog
{
    IReadOnlyList<string> Namespaces { get; }
}
