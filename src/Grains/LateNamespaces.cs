namespace AccountMetadata.Grains;

/// <summary>
/// Items storage loaded after it handed an account's state to its grain (<see cref="IAccountLoadCoverage"/>): what it
/// found, and the namespaces the account counts as loaded over once it has taken them (null: every namespace, as a
/// Query finds). <see cref="IsWholeLoad"/> when this is the account's first load (<see cref="AccountState.Loading"/>),
/// not the namespaces registered since.
/// </summary>
public sealed record LateNamespaces(IReadOnlyList<string>? LoadedOver, IReadOnlyList<NamespaceState> Found)
{
    public bool IsWholeLoad { get; init; }
}
