namespace AccountMetadata.Api;

/// <summary>Configuration section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Accounts one <c>POST /accounts/batch-get</c> may ask for.</summary>
    public int MaxBatchGetAccounts { get; set; } = 100;

    /// <summary>Largest request body the read API accepts (413 beyond).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Items one <c>POST /features</c> may carry.</summary>
    public int MaxFeatureBatchItems { get; set; } = 500;

    /// <summary>Largest <c>POST /features</c> body (413 beyond).</summary>
    public long MaxFeatureBatchBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Keys accepted by the write endpoints (<c>POST /features</c>, <c>DELETE /accounts/{id}</c>, schemas).</summary>
    public List<string> WriteApiKeys { get; } = [];

    /// <summary>Keys accepted by the admin endpoints (schemas, dashboard); write keys are not admin keys.</summary>
    public List<string> AdminApiKeys { get; } = [];

    /// <summary>How long an operator's browser stays signed in (<c>/signin</c>) before asking for the admin key again.</summary>
    public TimeSpan OperatorSessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>When true, reads need a write or admin key too. Off by default: reads are open.</summary>
    public bool RequireKeyForReads { get; set; }
}
