using System.Globalization;
using AccountMetadata.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace AccountMetadata.Bench;

/// <summary>A real Orleans silo in this process (localhost clustering) with <see cref="NullAccountStorage"/>.</summary>
internal sealed class BenchSilo : IDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static BenchSilo Start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(NameInterner.Shared);
        builder.Services.AddSingleton<AccountDeliveryMetrics>();
        builder.Services.AddSingleton<AccountDeliveryOptions>();
        builder.Services.AddSingleton<IRejectedUpdates, Testing.NoStreamedUpdates>();
        var storage = new NullAccountStorage();
        builder.Services.AddGrainStorage(AccountGrain.StorageName, (_, _) => storage);
        builder.Services.AddKeyedSingleton<IWriteBehindDurability>(AccountGrain.StorageName, storage);
        builder.Services.AddKeyedSingleton<IAccountLoadCoverage>(AccountGrain.StorageName, storage);
        builder.UseOrleans(silo => silo.UseLocalhostClustering(Testing.LoopbackPorts.Free(), 0));
        var host = builder.Build();
        host.Start();
        return new BenchSilo(host);
    }

    public static Immutable<FeatureUpdate[]> TwentyFeatures(NameInterner names, int seed)
    {
        string[] namespaces = ["orders", "rewards", "preferences", "segments"];
        var updates = new FeatureUpdate[20];
        for (var i = 0; i < 20; i++)
        {
            updates[i] = new FeatureUpdate(
                names.Intern(namespaces[i / 5]),
                names.Intern($"feature_{i % 5}"),
                ((seed * 31) + i).ToString(CultureInfo.InvariantCulture),
                seed);
        }

        return new Immutable<FeatureUpdate[]>(updates);
    }

    public void Dispose()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }
}
