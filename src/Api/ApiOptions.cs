namespace AccountMetadata.Api;

/// <summary>Configuration section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Accounts one <c>POST /accounts/batch-get</c> may ask for.</summary>
    public int MaxBatchGetAccounts { get; set; } = 100;

    /// <summary>Largest request body the read API accepts (413 beyond).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
