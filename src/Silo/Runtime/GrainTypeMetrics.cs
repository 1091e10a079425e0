using AccountMetadata.Runtime;
using AccountMetadata.Silo.Metrics;

namespace AccountMetadata.Silo.Runtime;

/// <summary>The metrics of one grain type: one slot per method of its interface, plus activation churn.</summary>
public sealed class GrainTypeMetrics
{
    public GrainTypeMetrics(string grainType, IReadOnlyList<GrainMethod> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        GrainType = grainType;
        _methods = new GrainMethodMetrics[methods.Count];
        foreach (var method in methods)
        {
            if (method.Index < 0 || method.Index >= methods.Count || _methods[method.Index] is not null)
            {
                throw new ArgumentException($"{method}: method indexes must be 0..{methods.Count - 1}, each once", nameof(methods));
            }

            _methods[method.Index] = new GrainMethodMetrics(method);
        }
    }

    public string GrainType { get; }

    private readonly GrainMethodMetrics[] _methods;

    public IReadOnlyList<GrainMethodMetrics> Methods => _methods;

    public StripedCounter Activations { get; } = new();

    public StripedCounter Deactivations { get; } = new();

    public StripedCounter ActivationFailures { get; } = new();

    internal GrainMethodMetrics For(GrainMethod method) => _methods[method.Index];
}
