using AccountMetadata.Grains;
using AccountMetadata.Runtime;
using AccountMetadata.Silo.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace AccountMetadata.Bench;

/// <summary>A grain runtime with the real account grain on <see cref="NullAccountStorage"/>.</summary>
internal static class BenchRuntime
{
    public static GrainRuntime Create()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        var storage = new NullAccountStorage();
        var registration = GrainTypeRegistration.For<IAccountGrain, AccountGrain>(
            AccountGrainMethods.All,
            static (key, invoker) => new AccountGrainReference(key, invoker),
            (context, _) => new AccountGrain(context, new PersistentState<AccountState>(context, storage), TimeProvider.System, NameInterner.Shared, SingleSiloOwnership.Instance));
        return new GrainRuntime([registration], new GrainRuntimeOptions(), services);
    }

    public static FeatureUpdate[] TwentyFeatures(NameInterner names, int seed)
    {
        string[] namespaces = ["orders", "rewards", "preferences", "segments"];
        var updates = new FeatureUpdate[20];
        for (var i = 0; i < 20; i++)
        {
            updates[i] = new FeatureUpdate(
                names.Intern(namespaces[i / 5]),
                names.Intern($"feature_{i % 5}"),
                ((seed * 31) + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                seed);
        }

        return updates;
    }
}
