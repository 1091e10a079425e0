using AccountMetadata.Tests.Infrastructure;
using AccountMetadata.Tests.Ingestion;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace AccountMetadata.Tests.Dashboard;

/// <summary>
/// A real browser (Debian's headless Chromium, driven by Selenium through Debian's chromedriver) loads the dashboard
/// from a silo process, sees its panels fill, and inspects an account. Leaves a screenshot in artifacts/.
/// </summary>
public sealed class DashboardBrowserTests
{
    [Fact]
    public async Task The_dashboard_shows_the_silo_grains_and_ingestion_and_inspects_an_account()
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
        driver.Navigate().GoToUrl(new Uri(silo.BaseAddress, "/dashboard"));

        // The data needs the admin key: the page asks for it.
        wait.Until(d => d.FindElement(By.Id("key-form")).Displayed);
        driver.FindElement(By.Id("key-input")).SendKeys("local-admin-key");
        driver.FindElement(By.CssSelector("#key-form button")).Click();

        wait.Until(d => d.FindElements(By.CssSelector("#silo-cards .card")).Count >= 5);
        wait.Until(d => d.FindElement(By.Id("grain-types")).Text.Contains("AccountGrain", StringComparison.Ordinal));
        wait.Until(d => d.FindElement(By.Id("ingestion-cards")).Text.Contains("applied", StringComparison.Ordinal)
                        && d.FindElements(By.CssSelector("#partitions tbody tr")).Count == 8);
        Assert.Contains("AccountGrain", driver.FindElement(By.Id("grain-types")).Text, StringComparison.Ordinal);
        Assert.Contains("item writes", driver.FindElement(By.Id("storage-cards")).Text, StringComparison.Ordinal);

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
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(artifacts, "dashboard.png"));
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
