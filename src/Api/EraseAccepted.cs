namespace AccountMetadata.Api;

/// <summary>Body of the 202 answer to <c>DELETE /accounts/{id}</c>: the erase is in the log, ordered with the account's features.</summary>
public sealed record EraseAccepted(string AccountId, string Status);
