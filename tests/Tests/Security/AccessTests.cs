using System.Net;
using System.Text;
using AccountMetadata.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace AccountMetadata.Tests.Security;

/// <summary>Who may call what: every protected endpoint, without a key, with a wrong one, with the other role's.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private const string Write = "write";
    private const string Admin = "admin";
    private readonly SiloFactory _silo = new(StackEndpoints.UniqueName("access"));
    private readonly CapturedLogs _logs = new();
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _logged = null!;
    private HttpClient _http = null!;

    /// <summary>Method, path, body, and the role whose key opens it.</summary>
    public static TheoryData<string, string, string?, string> ProtectedEndpoints => new()
    {
        { "POST", "/features", """[{"account_id":"acc-1","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1}]""", Write },
        { "DELETE", "/accounts/acc-1", null, Write },
        { "PUT", "/namespaces/access_check/schema", """{"type":"object"}""", Admin },
        { "GET", "/pipeline/api/snapshot", null, Admin },
        { "GET", "/pipeline/api/cluster", null, Admin },
        { "GET", "/pipeline/api/logs", null, Admin },
        { "GET", "/pipeline/api/accounts/acc-1", null, Admin },
        { "GET", "/dashboard/DashboardCounters", null, Admin },
        { "GET", "/dashboard/GrainState?grainId=acc-1&grainType=AccountMetadata.Grains.AccountStateViewGrain", null, Admin },
    };

    public Task InitializeAsync()
    {
        _logged = _silo.WithWebHostBuilder(builder => builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(_logs);
        }));
        _http = _logged.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _logged.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task No_key_is_401_and_a_wrong_or_other_roles_key_is_403(string method, string path, string? body, string role)
    {
        using (var anonymous = await SendAsync(method, path, body, key: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
            Assert.Contains("X-Api-Key", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        var otherRolesKey = role == Write ? SiloFactory.AdminKey : SiloFactory.WriteKey;
        foreach (var wrong in new[] { "not-a-key", SiloFactory.WriteKey + "x", SiloFactory.WriteKey[..^1], role == Write ? SiloFactory.AdminKey : null })
        {
            if (wrong is null)
            {
                continue;
            }

            using var forbidden = await SendAsync(method, path, body, wrong);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        }

        // Schemas take either key (the data teams who own a namespace publish its schema); the operators' pages only admin.
        using (var other = await SendAsync(method, path, body, otherRolesKey))
        {
            var schemaEndpoint = path.StartsWith("/namespaces", StringComparison.Ordinal);
            Assert.Equal(schemaEndpoint, other.StatusCode is not HttpStatusCode.Forbidden and not HttpStatusCode.Unauthorized);
        }

        using var allowed = await SendAsync(method, path, body, role == Write ? SiloFactory.WriteKey : SiloFactory.AdminKey);
        Assert.True((int)allowed.StatusCode < 400, $"{method} {path} with the {role} key: {(int)allowed.StatusCode}");
    }

    [Fact]
    public async Task Keys_never_reach_the_logs_the_metrics_or_a_response()
    {
        foreach (var (method, path, body, _) in ProtectedEndpoints.Select(row => ((string)row[0], (string)row[1], (string?)row[2], (string)row[3])))
        {
            foreach (var key in new[] { SiloFactory.WriteKey, SiloFactory.AdminKey, "a-wrong-key-to-be-kept-secret" })
            {
                using var response = await SendAsync(method, path, body, key);
                Assert.DoesNotContain(key, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        Assert.NotEmpty(_logs.Lines); // the capture works: the host logged its start and the requests
        var metrics = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        foreach (var key in new[] { SiloFactory.WriteKey, SiloFactory.AdminKey, "a-wrong-key-to-be-kept-secret" })
        {
            Assert.DoesNotContain(_logs.Lines, line => line.Contains(key, StringComparison.Ordinal));
            Assert.DoesNotContain(key, metrics, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? body, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await _http.SendAsync(request);
    }
}
