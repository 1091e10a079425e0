using AccountMetadata.Runtime;

namespace AccountMetadata.Silo.Runtime;

/// <summary>
/// How the runtime makes references to, and instances of, one grain type. Registered by hand in the silo's
/// composition root (what Orleans discovers by reflection and code generation), so nothing is reflected at run time.
/// </summary>
public sealed record GrainTypeRegistration(
    Type InterfaceType,
    string GrainType,
    IReadOnlyList<GrainMethod> Methods,
    Func<string, IGrainCallInvoker, IGrain> CreateReference,
    Func<IGrainContext, IServiceProvider, Grain> CreateGrain)
{
    public static GrainTypeRegistration For<TGrainInterface, TGrain>(
        IReadOnlyList<GrainMethod> methods,
        Func<string, IGrainCallInvoker, TGrainInterface> createReference,
        Func<IGrainContext, IServiceProvider, TGrain> createGrain)
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface =>
        new(typeof(TGrainInterface), typeof(TGrain).Name, methods,
            (key, invoker) => createReference(key, invoker), (context, services) => createGrain(context, services));
}
