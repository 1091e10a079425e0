using AccountMetadata.Tests.Infrastructure;
using AccountMetadata.Tests.Ingestion;
using System.Net.Http.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace AccountMetadata.Tests.Dashboard;

/// <summary>
/// A real browser (Debian's headless Chromium, driven by Selenium through Debian's chromedriver) signs in with the
/// admin key, sees the pipeline view's panels fill, inspects an account, and follows the link to the Orleans Dashboard.
/// Leaves screenshots of both in artifacts/.
/// </summary>
public sealed class DashboardBrowserTests
{
    [Fact]
    public async Task An_operator_signs_in_once_and_sees_the_pipeline_view_and_the_Orleans_Dashboard()
    {
        var names = SiloNames.Unique("browser");
        var topic = names.Topic;
        var artifacts = Path.GetDirectoryName(names.LogFile)!;
        KafkaTopics.Create(topic);
        using (var producer = new FeatureProducer())
        {
            await producer.SendFeatureAsync(topic, "acc-browser", "orders", "favourite_restaurant", "Cantina do Ze", 1);
            await producer.SendFeatureAsync(topic, "acc-browser", "rewards", "tier", "gold", 1);
            await producer.SendFeatureAsync(topic, "acc-other", "orders", "total_orders", "12", 1);
            await producer.SendAsync(topic, "acc-other", System.Text.Encoding.UTF8.GetBytes("{this is not json"));
        }

        using var silo = await SiloProcess.StartAsync(names, logLevel: "Information");
        using var http = new HttpClient();
        await Eventually.Until(() => silo.MetricAsync(http, "ingest_applied_total"), applied => applied >= 3, IngestingSilo.Patience, "features applied");
        for (var i = 0; i < 10; i++)
        {
            (await http.GetAsync(new Uri(silo.BaseAddress, "/accounts/acc-other/namespaces/orders"))).Dispose();
        }

        using var driver = StartChromium();
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(30));

        // Without a session both views send the browser to the sign-in form, and nothing of theirs is shown.
        driver.Navigate().GoToUrl(new Uri(silo.BaseAddress, "/pipeline"));
        wait.Until(d => d.FindElement(By.Id("signin-form")).Displayed);
        Assert.Empty(driver.FindElements(By.Id("partitions")));
        driver.FindElement(By.Id("signin-key")).SendKeys("not-the-admin-key");
        driver.FindElement(By.CssSelector("#signin-form button")).Click();
        wait.Until(d => d.FindElement(By.Id("signin-error")).Displayed);

        driver.FindElement(By.Id("signin-key")).SendKeys("local-admin-key");
        driver.FindElement(By.CssSelector("#signin-form button")).Click();
        wait.Until(d => d.Url.EndsWith("/pipeline", StringComparison.Ordinal));
        wait.Until(d => d.FindElements(By.CssSelector("#silos tbody tr")).Count == 1);
        wait.Until(d => d.FindElement(By.Id("ingestion-cards")).Text.Contains("applied", StringComparison.Ordinal)
                        && d.FindElements(By.CssSelector("#partitions tbody tr")).Count == 8);
        Assert.Contains("item writes", driver.FindElement(By.Id("storage-cards")).Text, StringComparison.Ordinal);
        Assert.Single(driver.FindElements(By.CssSelector("#storage-silos tbody tr")));
        // The malformed message sent below is set aside; the view lists it with its reason and the start of its value.
        wait.Until(d => d.FindElement(By.Id("recent-dead-letters")).Text.Contains("not_json", StringComparison.Ordinal));
        Assert.Contains("{this is not json", driver.FindElement(By.Id("recent-dead-letters")).Text, StringComparison.Ordinal);

        driver.FindElement(By.Id("inspect-input")).SendKeys("acc-browser");
        driver.FindElement(By.Id("inspect-button")).Click();
        wait.Until(d => d.FindElement(By.Id("inspect-result")).Text.Contains("Cantina do Ze", StringComparison.Ordinal));
        var inspected = driver.FindElement(By.Id("inspect-result")).Text;
        Assert.Contains("gold", inspected, StringComparison.Ordinal);
        // Both namespaces are durable by now (offsets are committed only then); inspecting again shows it.
        wait.Until(d =>
        {
            d.FindElement(By.Id("inspect-button")).Click();
            return d.FindElements(By.CssSelector("#inspect-result .badge.ok")).Count == 2;
        });

        wait.Until(d => d.FindElements(By.CssSelector("#chart-grid .chart")).Count > 5 && d.FindElement(By.Id("log-tail")).Text.Length > 0);
        wait.Until(d => d.FindElements(By.CssSelector("#chart-grid .chart .t2")).All(t => t.Text.Length > 0)); // time labels on the axis
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(artifacts, "pipeline.png"));

        // The Orleans Dashboard, through the link, on the same session: AccountGrain's activations and the calls to it.
        driver.FindElement(By.Id("orleans-dashboard-link")).Click();
        wait.Until(d => d.Url.Contains("/dashboard/", StringComparison.Ordinal));
        driver.Navigate().GoToUrl(new Uri(silo.BaseAddress, "/dashboard/#/grains")); // its grain types, with their activations
        wait.Until(d => d.FindElement(By.TagName("body")).Text.Contains("AccountGrain", StringComparison.Ordinal));
        using (var admin = new HttpClient())
        {
            admin.DefaultRequestHeaders.Add("X-Api-Key", "local-admin-key");
            // The dashboard profiles grain calls only while someone looks at it (it is open now): read, then look.
            await Eventually.Until(
                async () =>
                {
                    (await admin.GetAsync(new Uri(silo.BaseAddress, "/accounts/acc-other/namespaces/orders"))).Dispose();
                    return await CallsToAccountGrainsAsync(admin, silo.BaseAddress);
                },
                calls => calls > 0,
                TimeSpan.FromSeconds(30),
                "calls to AccountGrain counted by the Orleans Dashboard");
        }

        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(artifacts, "orleans-dashboard.png"));

        // And back: the dashboard's page carries a link to the pipeline view.
        driver.FindElement(By.Id("pipeline-view-link")).Click();
        wait.Until(d => d.Url.EndsWith("/pipeline", StringComparison.Ordinal) && d.FindElements(By.CssSelector("#partitions tbody tr")).Count == 8);
    }

    private static async Task<double> CallsToAccountGrainsAsync(HttpClient admin, Uri silo)
    {
        using var counters = await admin.GetFromJsonAsync<System.Text.Json.JsonDocument>(new Uri(silo, "/dashboard/DashboardCounters"));
        return counters!.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
            .Where(g => g.GetProperty("grainType").GetString()!.EndsWith(".AccountGrain", StringComparison.Ordinal))
            .Sum(g => g.GetProperty("totalCalls").GetDouble());
    }

    private static ChromeDriver StartChromium()
    {
        Assert.True(File.Exists("/usr/bin/chromium") && File.Exists("/usr/bin/chromedriver"),
            "Debian's chromium and chromium-driver are missing: 'scripts/stack install' installs them");
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1600,2200",
            "--user-data-dir=" + Directory.CreateTempSubdirectory("chromium-").FullName);
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}
