namespace AccountMetadata.Runtime;

/// <summary>
/// Describes one method of a grain interface, as Orleans' generated code does: the runtime schedules by
/// <see cref="IsReadOnly"/> and keeps its per-method metrics in a slot indexed by <see cref="Index"/>, so a call
/// needs no reflection and no dictionary lookup.
/// </summary>
public sealed class GrainMethod(string interfaceName, string name, int index, bool isReadOnly)
{
    public string InterfaceName { get; } = interfaceName;

    public string Name { get; } = name;

    /// <summary>Position of the method in its interface's method table (0..n-1).</summary>
    public int Index { get; } = index;

    public bool IsReadOnly { get; } = isReadOnly;

    public override string ToString() => $"{InterfaceName}.{Name}";
}
