namespace AccountMetadata.Testing;

/// <summary>Runs an undo action once, on dispose.</summary>
internal sealed class Restore(Action undo) : IDisposable
{
    private Action? _undo = undo;

    public void Dispose() => Interlocked.Exchange(ref _undo, null)?.Invoke();
}
