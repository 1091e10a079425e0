using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AccountMetadata.Tests.Security;

/// <summary>
/// Malformed, oversized and malicious requests against a real Kestrel: always the right 4xx, problem+json from the
/// app, never a 500 or a stack trace.
/// </summary>
public sealed class HostileHttpTests(RealKestrelSilo fixture) : IClassFixture<RealKestrelSilo>
{
    private const string WriteKey = "local-write-key"; // the local profile's demo key (appsettings.Local.json)

    /// <summary>Method, path (sent as is), content type, body, expected status.</summary>
    public static TheoryData<string, string, string?, string?, int> AppLevelRequests => new()
    {
        { "GET", "/accounts/..%2F..%2Fetc%2Fpasswd", null, null, 400 },
        { "GET", "/accounts/%2E%2E", null, null, 404 }, // Kestrel resolves the dot segments: "/", which has no route
        { "GET", "/accounts/%C0%AE%C0%AE", null, null, 400 }, // overlong UTF-8 dots
        { "GET", "/accounts/" + new string('a', 2_000), null, null, 400 },
        { "GET", "/accounts/acc-1/namespaces/..%2Fschemas", null, null, 400 },
        { "GET", "/accounts/%23schemas", null, null, 400 }, // the schema registry's partition is not an account
        { "GET", "/namespaces/%2E%2E%2Fx/schema", null, null, 400 },
        { "GET", "/no/such/route", null, null, 404 },
        { "PATCH", "/accounts/acc-1", "application/json", "{}", 405 },
        { "POST", "/accounts/batch-get", "text/plain", """{"accountIds":["a"]}""", 415 },
        { "POST", "/accounts/batch-get", null, """{"accountIds":["a"]}""", 415 },
        { "POST", "/accounts/batch-get", "application/json", "{\"accountIds\":[\"a\"", 400 },
        { "POST", "/accounts/batch-get", "application/json", new string('[', 10_000), 400 }, // depth bomb
        { "POST", "/accounts/batch-get", "application/json", """{"accountIds":"not-a-list"}""", 400 },
        { "POST", "/accounts/batch-get", "application/json", """{"accountIds":[1,2,3]}""", 400 },
        { "POST", "/accounts/batch-get", "application/json", """{"accountIds":null}""", 400 },
        { "POST", "/accounts/batch-get", "application/json", "{\"accountIds\":[" + string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"a{i}\"")) + "]}", 400 },
        { "POST", "/accounts/batch-get", "application/json", "{\"accountIds\":[" + string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"\"a{i}\"")) + "]}", 413 },
        { "POST", "/features", "application/xml", "<features/>", 415 },
        { "POST", "/features", "application/json", "\"just a string\"", 400 },
        { "POST", "/features", "application/json", "[]", 400 },
        { "POST", "/features", "application/json", new string('[', 100_000), 400 },
        { "POST", "/features", "application/json", "[" + string.Join(',', Enumerable.Repeat("{}", 501)) + "]", 400 },
        { "POST", "/features", "application/json", """[{"account_id":"../../etc","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1}]""", 400 },
        { "POST", "/features", "application/json", """[{"account_id":"a","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1e400}]""", 400 },
        { "POST", "/features", "application/json", """[{"account_id":"a","account_id":"b","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1}]""", 400 },
        { "PUT", "/namespaces/orders/schema", "application/json", "{\"type\": ", 400 },
        { "PUT", "/namespaces/evil/schema", "application/json", """{"$ref":"http://169.254.169.254/latest/meta-data"}""", 400 },
    };

    [Theory]
    [MemberData(nameof(AppLevelRequests))]
    public async Task The_app_answers_a_problem_with_the_right_status(string method, string path, string? contentType, string? body, int expected)
    {
        var (status, headers, text) = await SendRawAsync(method, path, contentType, body is null ? null : Encoding.UTF8.GetBytes(body));
        Assert.True(status == expected, $"{method} {Shorten(path)}: {status}, expected {expected}; {Shorten(text)}");
        Assert.Contains("content-type: application/problem+json", headers, StringComparison.OrdinalIgnoreCase);
        AssertNoInternals(text);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_body_is_a_400_problem()
    {
        var body = Encoding.UTF8.GetBytes("""[{"account_id":"a","feature_name":"total_orders","feature_value":"X","namespace":"orders","timestamp":1}]""");
        body[Array.IndexOf(body, (byte)'X')] = 0xC3; // a lead byte with no continuation
        var (status, _, text) = await SendRawAsync("POST", "/features", "application/json", body);
        Assert.Equal(400, status);
        AssertNoInternals(text);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read()
    {
        // Declared length over the 2 MB batch limit: refused at once, the 3 MB never sent.
        var (status, headers, text) = await SendRawAsync("POST", "/features", "application/json", null, declaredLength: 3 * 1024 * 1024);
        Assert.Equal(413, status);
        Assert.Contains("content-type: application/problem+json", headers, StringComparison.OrdinalIgnoreCase);
        AssertNoInternals(text);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_cut_with_a_413_problem()
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/accounts/batch-get")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"accountIds\":[\"" + new string('a', 200_000) + "\"]}"))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        AssertNoInternals(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Kestrel refuses these before routing, with its own bare response: the status is the contract.</summary>
    [Theory]
    [InlineData("huge-header", 431)]
    [InlineData("many-headers", 431)]
    [InlineData("long-request-line", 414)]
    [InlineData("garbage-request-line", 400)]
    [InlineData("nul-in-path", 400)]
    public async Task Kestrel_refuses_oversized_and_malformed_requests(string attack, int expected)
    {
        var request = attack switch
        {
            "huge-header" => $"GET /accounts/a HTTP/1.1\r\nHost: x\r\nX-Big: {new string('b', 20 * 1024)}\r\n\r\n",
            "many-headers" => "GET /accounts/a HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"X-H{i}: v\r\n")) + "\r\n",
            "long-request-line" => $"GET /accounts/{new string('a', 10 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n",
            "nul-in-path" => "GET /accounts/acc%00evil HTTP/1.1\r\nHost: x\r\n\r\n",
            _ => "\u0001\u0002 NOT HTTP AT ALL\r\n\r\n",
        };
        var (status, _, text) = await ExchangeAsync(Encoding.Latin1.GetBytes(request));
        Assert.Equal(expected, status);
        AssertNoInternals(text);
    }

    [Fact]
    public async Task After_the_whole_corpus_the_silo_is_live_and_has_answered_no_5xx()
    {
        foreach (var row in AppLevelRequests)
        {
            await SendRawAsync((string)row[0], (string)row[1], (string?)row[2], row[3] is string body ? Encoding.UTF8.GetBytes(body) : null);
        }

        using var http = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        // ASP.NET Core's own request metric, by status code (OpenTelemetry's http.server.request.duration).
        Assert.True(await fixture.Silo.MetricAsync(http, "http_server_request_duration_seconds_count") >= AppLevelRequests.Count);
        Assert.Equal(0, await fixture.Silo.MetricAsync(http, "http_server_request_duration_seconds_count", "http_response_status_code=\"5"));
    }

    private static void AssertNoInternals(string text)
    {
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/work/", text, StringComparison.Ordinal);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private Task<(int Status, string Headers, string Body)> SendRawAsync(
        string method, string path, string? contentType, byte[]? body, long? declaredLength = null)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Api-Key: {WriteKey}\r\n");
        if (contentType is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(declaredLength ?? body?.Length ?? 0).Append("\r\n\r\n");
        return ExchangeAsync([.. Encoding.Latin1.GetBytes(head.ToString()), .. body ?? []]);
    }

    /// <summary>Writes raw bytes (no client-side normalisation of paths or headers) and reads the whole answer.</summary>
    private async Task<(int Status, string Headers, string Body)> ExchangeAsync(byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Silo.BaseAddress.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // Kestrel may answer and close before taking everything; the answer is still there to read.
        }

        using var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (IOException)
        {
            // A reset after the response was written: keep what arrived.
        }

        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = split < 0 ? text : text[..split];
        var statusLine = headers.Split("\r\n")[0].Split(' ');
        Assert.True(statusLine.Length >= 2 && int.TryParse(statusLine[1], out _), $"no HTTP status in the answer: '{Shorten(text)}'");
        return (int.Parse(statusLine[1], System.Globalization.CultureInfo.InvariantCulture), headers, split < 0 ? "" : text[(split + 4)..]);
    }
}
