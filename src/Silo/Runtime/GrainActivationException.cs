namespace AccountMetadata.Silo.Runtime;

/// <summary>A grain's OnActivateAsync failed (its storage was unreachable, say); the next call tries again.</summary>
public sealed class GrainActivationException : Exception
{
    public GrainActivationException()
    {
    }

    public GrainActivationException(string message)
        : base(message)
    {
    }

    public GrainActivationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
