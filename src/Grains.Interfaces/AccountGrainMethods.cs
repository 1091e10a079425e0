using AccountMetadata.Runtime;

namespace AccountMetadata.Grains;

/// <summary>The method table of <see cref="IAccountGrain"/>: scheduling flags and metric slots.</summary>
public static class AccountGrainMethods
{
    private const string Interface = nameof(IAccountGrain);

    public static readonly GrainMethod Apply = new(Interface, nameof(IAccountGrain.ApplyAsync), 0, isReadOnly: false);
    public static readonly GrainMethod GetNamespace = new(Interface, nameof(IAccountGrain.GetNamespaceAsync), 1, isReadOnly: true);
    public static readonly GrainMethod GetAll = new(Interface, nameof(IAccountGrain.GetAllAsync), 2, isReadOnly: true);
    public static readonly GrainMethod Delete = new(Interface, nameof(IAccountGrain.DeleteAsync), 3, isReadOnly: false);
    public static readonly GrainMethod Inspect = new(Interface, nameof(IAccountGrain.InspectAsync), 4, isReadOnly: true);

    public static IReadOnlyList<GrainMethod> All { get; } = [Apply, GetNamespace, GetAll, Delete, Inspect];
}
