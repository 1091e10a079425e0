namespace AccountMetadata.Silo.Schemas;

/// <summary>A namespace schema document that cannot be used, with the reason.</summary>
public sealed class SchemaDefinitionException : Exception
{
    public SchemaDefinitionException()
    {
    }

    public SchemaDefinitionException(string message)
        : base(message)
    {
    }

    public SchemaDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
