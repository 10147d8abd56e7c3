using System.Threading.RateLimiting;

namespace Cipherpad.Server.Security;

/// <summary>
/// One partition's fixed-window request limit — <see cref="PermitLimit"/> requests per window, windows aligned on the
/// clock — whose count is kept in <see cref="RequestCounts"/>, so that every server on one PostgreSQL spends one budget.
/// A server does not ask the database for every request: it takes permits from the shared count in leases (1, then 2,
/// 4, … up to a sixteenth of the limit) and hands them out itself until they run out. The shared count is added to and
/// read in one statement, so the servers together never admit more than the limit in a window; what a server holds
/// unused when the window ends, or when it dies, is simply not spent: at most a sixteenth of the limit per server.
/// Requests that find the lease spent wait for one refill together. If the counts cannot be reached, the server falls
/// back to counting alone for the rest of the window (a per-server limit, as before there were shared counts) and logs it.
/// </summary>
public sealed class SharedWindowLimiter : RateLimiter
{
    private static readonly RateLimitLease Admitted = new WindowLease(acquired: true, retryAfter: null);
    private readonly string _partition;
    private readonly TimeSpan _window;
    private readonly RequestCounts _counts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _largestLease;
    private readonly Lock _gate = new();
    private long _windowStart = long.MinValue;
    private int _held;
    private int _taken;
    private int _nextLease;
    private bool _exhausted;
    private Task? _refill;
    private long _lastUsed;

    public SharedWindowLimiter(string partition, int permitLimit, TimeSpan window, RequestCounts counts, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _partition = partition;
        PermitLimit = permitLimit;
        _window = window;
        _counts = counts;
        _time = time;
        _logger = logger;
        _largestLease = Math.Max(1, permitLimit / 16);
        _lastUsed = time.GetTimestamp();
    }

    public int PermitLimit { get; }

    /// <summary>How long since a request last asked, while no refill is under way: the partitioned limiter drops idle ones.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                return _refill is null ? _time.GetElapsedTime(_lastUsed) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = _held };
        }
    }

    /// <summary>Admits from what this server holds; when it holds nothing the caller goes on to <see cref="AcquireAsyncCore"/>.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            return TryTake(permitCount) ?? new WindowLease(acquired: false, retryAfter: null);
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, PermitLimit);
        while (true)
        {
            Task refill;
            lock (_gate)
            {
                if (TryTake(permitCount) is { } decided)
                {
                    return decided;
                }
                refill = _refill ??= RefillAsync(_windowStart, _nextLease);
            }
            // Each waiter may give up on its own; the refill runs on for the others.
            await refill.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Under the gate: admits, refuses (the window's budget is spent), or null when a lease must be taken first.</summary>
    private WindowLease? TryTake(int permitCount)
    {
        _lastUsed = _time.GetTimestamp();
        var now = _time.GetUtcNow().UtcTicks;
        var windowStart = now - (now % _window.Ticks);
        if (windowStart != _windowStart)
        {
            (_windowStart, _held, _taken, _nextLease, _exhausted) = (windowStart, 0, 0, 1, false);
        }
        if (_held >= permitCount)
        {
            _held -= permitCount;
            _taken += permitCount;
            return (WindowLease)Admitted;
        }
        return _exhausted ? new WindowLease(acquired: false, retryAfter: TimeSpan.FromTicks(windowStart + _window.Ticks - now)) : null;
    }

    private async Task RefillAsync(long windowStart, int lease)
    {
        var start = new DateTimeOffset(windowStart, TimeSpan.Zero);
        int? granted = null;
        var fellBack = false;
        try
        {
            await Task.Yield(); // the caller holds the gate until the task is stored
            var taken = await _counts.TakeAsync(_partition, start, start + _window, lease, CancellationToken.None);
            granted = (int)Math.Clamp(PermitLimit - (taken - lease), 0, lease);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _logger.LogWarning(exception, "The shared request counts could not be reached; counting {Partition}'s requests on this server alone until its window ends",
                PartitionKind(_partition));
            fellBack = true;
        }
        finally
        {
            // Whatever happened, the next request may lease again; only an answer, or the fallback, changes what is held.
            lock (_gate)
            {
                if (_windowStart == windowStart && (granted is not null || fellBack))
                {
                    _held += fellBack ? Math.Max(0, PermitLimit - _taken - _held) : granted!.Value;
                    _nextLease = Math.Min(_nextLease * 2, _largestLease);
                    _exhausted = fellBack || granted < lease;
                }
                _refill = null;
            }
        }
    }

    /// <summary>What a partition limits, without the address or id it names: a client address is not written to the logs here.</summary>
    private static string PartitionKind(string partition) => partition.Split(':')[0];

    private sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
