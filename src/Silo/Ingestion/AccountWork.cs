using AccountMetadata.Grains;
using Confluent.Kafka;

namespace AccountMetadata.Silo.Ingestion;

/// <summary>
/// One account's share of a batch, in order: runs of feature updates (one grain call each) and erase commands.
/// Usually a single run, so a batch costs one grain call per account.
/// </summary>
internal sealed class AccountWork(string accountId)
{
    private readonly List<Step> _steps = [];

    public string AccountId { get; } = accountId;

    public IReadOnlyList<Step> Steps => _steps;

    public void AddUpdate(FeatureUpdate update, ConsumeResult<byte[]?, byte[]?> source)
    {
        if (_steps.Count == 0 || _steps[^1].IsErase)
        {
            _steps.Add(new Step(false));
        }

        _steps[^1].Updates.Add(update);
        _steps[^1].Sources.Add(source);
    }

    public void AddErase() => _steps.Add(new Step(true));

    internal sealed class Step(bool isErase)
    {
        public bool IsErase { get; } = isErase;

        public List<FeatureUpdate> Updates { get; } = [];

        /// <summary>The message each update came from, for dead-lettering what the grain refuses.</summary>
        public List<ConsumeResult<byte[]?, byte[]?>> Sources { get; } = [];
    }
}
