using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AccountMetadata.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AccountMetadata.Tests.Dashboard;

/// <summary>
/// The Orleans Dashboard and the pipeline view are for operators: a browser signs in once with the admin key and
/// carries a session cookie (never the key); without it, pages send the browser to the sign-in form and the JSON is
/// 401. The dashboard's silo counters read real figures, and its grain-state view looks at an account without loading it.
/// </summary>
public sealed class OperatorAccessTests : IAsyncLifetime
{
    private readonly SiloFactory _silo = new(StackEndpoints.UniqueName("operators"));
    private HttpClient _browser = null!;

    public Task InitializeAsync()
    {
        _browser = _silo.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _silo.DisposeAsync();
    }

    [Theory]
    [InlineData("/dashboard/")]
    [InlineData("/pipeline")]
    public async Task A_page_without_a_session_sends_the_browser_to_sign_in_and_its_json_is_401(string page)
    {
        using (var navigation = new HttpRequestMessage(HttpMethod.Get, page))
        {
            navigation.Headers.Accept.ParseAdd("text/html");
            using var response = await _browser.SendAsync(navigation);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/signin?returnUrl=" + Uri.EscapeDataString(page), response.Headers.Location!.OriginalString);
        }

        var json = page.StartsWith("/dashboard", StringComparison.Ordinal) ? "/dashboard/DashboardCounters" : "/pipeline/api/snapshot";
        using var refused = await _browser.GetAsync(json);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Signing_in_with_the_admin_key_opens_both_views_and_the_cookie_never_holds_the_key()
    {
        using (var wrong = await SignInAsync(SiloFactory.WriteKey, "/pipeline"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("not an admin key", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(wrong.Headers.Contains("Set-Cookie"));
        }

        using (var signedIn = await SignInAsync(SiloFactory.AdminKey, "/pipeline"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.Equal("/pipeline", signedIn.Headers.Location!.OriginalString);
            var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"));
            Assert.DoesNotContain(SiloFactory.AdminKey, cookie, StringComparison.Ordinal);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(HttpStatusCode.OK, (await _browser.GetAsync("/pipeline/api/snapshot")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _browser.GetAsync("/dashboard/DashboardCounters")).StatusCode);
        using var page = await _browser.GetAsync("/pipeline");
        Assert.Contains("/dashboard/", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal); // linked to the Orleans Dashboard

        // A link elsewhere cannot ride the sign-in: only local paths are followed.
        using (var offsite = await SignInAsync(SiloFactory.AdminKey, "//evil.example/"))
        {
            Assert.Equal("/dashboard/", offsite.Headers.Location!.OriginalString);
        }

        using var signedOut = await _browser.PostAsync("/signout", null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _browser.GetAsync("/pipeline/api/snapshot")).StatusCode);
    }

    [Fact]
    public async Task The_dashboards_silo_counters_show_orleans_figures()
    {
        using var http = _silo.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloFactory.AdminKey);
        (await http.GetAsync("/accounts/acc-counted")).Dispose(); // one activation at least
        using var counters = await Eventually.Until(
            async () => (await http.GetFromJsonAsync<JsonDocument>("/dashboard/DashboardCounters"))!,
            c => c.RootElement.GetProperty("hosts").GetArrayLength() > 0,
            TimeSpan.FromSeconds(30),
            "the silo listed by the dashboard");
        var silo = counters.RootElement.GetProperty("hosts")[0].GetProperty("siloAddress").GetString()!;
        // Counters arrive once a second (the dashboard's exporter period).
        using var siloCounters = await Eventually.Until(
            async () => (await http.GetFromJsonAsync<JsonDocument>($"/dashboard/SiloCounters/{silo}"))!,
            c => Value(c, "orleans-catalog-activation-created") >= 1,
            TimeSpan.FromSeconds(30),
            "Orleans' activation counter on the dashboard");
        Assert.True(Value(siloCounters, "orleans-messaging-received-messages") > 0 || Value(siloCounters, "orleans-app-requests-latency") > 0);
    }

    [Fact]
    public async Task The_grain_state_view_looks_at_an_account_without_loading_it_unless_asked()
    {
        using var http = _silo.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloFactory.AdminKey);
        var looked = await GrainStateAsync(http, "acc-never-loaded");
        Assert.False(looked.GetProperty("Active").GetBoolean());
        Assert.Null(looked.GetProperty("Silo").GetString());
        Assert.False((await GrainStateAsync(http, "acc-never-loaded")).GetProperty("Active").GetBoolean()); // still not active

        var loaded = await GrainStateAsync(http, "acc-never-loaded!load");
        Assert.True(loaded.GetProperty("Active").GetBoolean());
        Assert.Empty(loaded.GetProperty("Namespaces").EnumerateArray());
    }

    private static async Task<JsonElement> GrainStateAsync(HttpClient http, string key)
    {
        // The Orleans Dashboard answers a JSON string holding {"GetState": <the view>}, in .NET's default (Pascal) casing.
        var text = await http.GetFromJsonAsync<string>($"/dashboard/GrainState?grainId={Uri.EscapeDataString(key)}&grainType=AccountMetadata.Grains.AccountStateViewGrain");
        using var document = JsonDocument.Parse(text!);
        return document.RootElement.GetProperty("GetState").Clone();
    }

    private static double Value(JsonDocument counters, string name) =>
        counters.RootElement.EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() == name)
            .Select(c => double.Parse(c.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Single();

    private Task<HttpResponseMessage> SignInAsync(string key, string returnUrl) =>
        _browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = returnUrl }));
}
