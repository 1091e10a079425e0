namespace AccountMetadata.Grains;

/// <summary>
/// Items of namespaces registered after an account was loaded (<see cref="IAccountLoadCoverage"/>): what storage found,
/// and the namespaces the account counts as loaded over once it has taken them.
/// </summary>
public sealed record LateNamespaces(IReadOnlyList<string> LoadedOver, IReadOnlyList<NamespaceState> Found);
