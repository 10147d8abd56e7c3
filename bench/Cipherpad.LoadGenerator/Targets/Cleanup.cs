namespace Cipherpad.LoadGenerator.Targets;

/// <summary>What a target started, stopped in the reverse order on dispose, also when starting failed halfway.</summary>
internal sealed class Cleanup : IAsyncDisposable
{
    private readonly Stack<Func<ValueTask>> _steps = new();

    public T Add<T>(T started, Func<T, ValueTask> stop)
    {
        _steps.Push(() => stop(started));
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        while (_steps.TryPop(out var stop))
        {
            await stop();
        }
    }
}
