namespace Cipherpad.Server.Security;

/// <summary>
/// PBKDF2 of security answers, a few at a time. One hash at the default 600,000 iterations takes a core for a few
/// hundred milliseconds; unbounded, a burst of them takes every core and the database connections waiting behind them
/// (300 at once once took 47 CPU-seconds and left the health check waiting 22 s). At most half the cores hash at once;
/// a request that cannot start within <see cref="QueueTimeout"/> is told the server is busy (null) instead of queueing
/// without end. Which guesses may be hashed at all is decided before, by the back-off's reservation.
/// </summary>
public sealed class SlowHashes : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, Environment.ProcessorCount / 2));

    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The stored form of <paramref name="answer"/>, or null when the server is too busy to hash it now.</summary>
    public Task<string?> HashAsync(string answer, int iterations, CancellationToken cancellationToken) =>
        RunAsync(() => Hashing.HashSecurityAnswer(answer, iterations), cancellationToken);

    /// <summary>Whether <paramref name="answer"/> matches, or null when the server is too busy to check it now.</summary>
    public async Task<bool?> MatchesAsync(string answer, string stored, CancellationToken cancellationToken) =>
        await RunAsync<bool?>(() => Hashing.SecurityAnswerMatches(answer, stored), cancellationToken);

    internal async Task<T?> RunAsync<T>(Func<T> hash, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(QueueTimeout, cancellationToken))
        {
            return default;
        }
        try
        {
            return await Task.Run(hash, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
