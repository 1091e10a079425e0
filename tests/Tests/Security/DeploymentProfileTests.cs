using AccountMetadata.Api;
using AccountMetadata.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace AccountMetadata.Tests.Security;

/// <summary>The production profile needs real keys; the local profile stays on loopback. Checked before binding.</summary>
public sealed class DeploymentProfileTests
{
    private static readonly TimeSpan RefusalPatience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_production_profile_refuses_to_start_without_keys()
    {
        var (exitCode, output) = await SiloProcess.RunUntilExitAsync(
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Kafka__Profile"] = "Local" },
            RefusalPatience,
            "--urls", "http://127.0.0.1:0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Refusing to start in the 'Production' environment", output, StringComparison.Ordinal);
        Assert.Contains("Api:WriteApiKeys is empty", output, StringComparison.Ordinal);
        Assert.Contains("Api:AdminApiKeys is empty", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_profile_refuses_to_listen_beyond_loopback()
    {
        var (exitCode, output) = await SiloProcess.RunUntilExitAsync(new Dictionary<string, string>(), RefusalPatience, "--urls", "http://0.0.0.0:0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("listens on loopback only, but 'http://0.0.0.0:0' is not", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://localhost:5081", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081", false)]
    public void Local_urls_must_all_be_loopback(string urls, bool accepted)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build();
        var enforce = () => DeploymentProfile.Enforce(Environment("Local"), configuration, new ApiOptions());
        if (accepted)
        {
            enforce();
        }
        else
        {
            Assert.Throws<InvalidOperationException>(enforce);
        }
    }

    [Fact]
    public void Production_keys_must_be_present_and_long()
    {
        var configuration = new ConfigurationBuilder().Build();
        var api = new ApiOptions();
        api.WriteApiKeys.Add("short");
        api.AdminApiKeys.Add(new string('k', DeploymentProfile.MinimumProductionKeyLength));
        var refusal = Assert.Throws<InvalidOperationException>(() => DeploymentProfile.Enforce(Environment("Production"), configuration, api));
        Assert.Contains("Api:WriteApiKeys holds a key shorter than", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", refusal.Message.Replace("shorter", "", StringComparison.Ordinal), StringComparison.Ordinal); // the key itself is not printed

        api.WriteApiKeys[0] = new string('w', DeploymentProfile.MinimumProductionKeyLength);
        DeploymentProfile.Enforce(Environment("Production"), configuration, api);
    }

    [Fact]
    public void Key_comparison_accepts_only_exact_keys()
    {
        string[] keys = ["first-key-0123456789", "second-key-0123456789"];
        Assert.True(ApiKeys.Matches("second-key-0123456789", keys));
        Assert.False(ApiKeys.Matches("second-key-012345678", keys));
        Assert.False(ApiKeys.Matches("second-key-01234567890", keys));
        Assert.False(ApiKeys.Matches("", keys));
        Assert.False(ApiKeys.Matches("first-key-0123456789", []));
    }

    private static Microsoft.Extensions.Hosting.Internal.HostingEnvironment Environment(string name) => new()
    {
        EnvironmentName = name,
        ApplicationName = "test",
        ContentRootPath = AppContext.BaseDirectory,
        ContentRootFileProvider = new NullFileProvider(),
    };
}
