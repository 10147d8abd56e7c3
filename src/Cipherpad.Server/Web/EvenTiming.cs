using System.Diagnostics;
using Cipherpad.Server.Accounts;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Web;

/// <summary>
/// Posts that take an e-mail address from anyone (the sign-in, authorization, recovery, new-code and support pages, and a
/// pad's activation) are answered no sooner than <see cref="AccountOptions.AddressPostResponseTime"/> after their handler
/// started. The work behind them depends on the address: an account's question is sealed for its pads, a recovery link is
/// committed to disk, a wrong answer to an account's question is logged, an activation code is compared. What they answer
/// is the same either way; the wait keeps their timing from saying otherwise, for as long as the work takes less than it.
/// The request's database connection goes back to the pool before the wait.
/// </summary>
public static class EvenTiming
{
    /// <summary>Holds each answer of these endpoints back until the set time has passed since its handler started.</summary>
    public static TBuilder EvenlyTimed<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await next(context);
            }
            finally
            {
                var http = context.HttpContext;
                await HoldBackAsync(http, started, http.RequestServices.GetRequiredService<IOptions<CipherpadOptions>>().Value.Accounts.AddressPostResponseTime);
            }
        });

    /// <summary>
    /// Warns at start when the floor is off: the posts then answer as soon as their work is done, and how long they take can
    /// tell a stranger whether an address has an account.
    /// </summary>
    public static WebApplication WarnOnStartIfUnevenlyTimed(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (app.Services.GetRequiredService<IOptions<CipherpadOptions>>().Value.Accounts.AddressPostResponseTime == TimeSpan.Zero)
            {
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EvenTiming).FullName!).LogWarning(
                    "Cipherpad:Accounts:AddressPostResponseTime is 0: the sign-in, authorization, recovery, new-code and support " +
                    "pages and a pad's activation answer as soon as their work is done, and how long they take can tell a " +
                    "stranger whether an address has an account. Set it above what those posts take at the server's busiest " +
                    "(the default is 200 ms).");
            }
        });
        return app;
    }

    /// <summary>
    /// Holds a request's answer back until <paramref name="duration"/> has passed since <paramref name="started"/>, its
    /// database connection given back to the pool first: a wait needs none.
    /// </summary>
    internal static async Task HoldBackAsync(HttpContext http, long started, TimeSpan duration)
    {
        await http.RequestServices.GetRequiredService<Storage.CipherpadDbContext>().ReleaseConnectionAsync();
        await WaitUntilAsync(started, duration, http.RequestAborted);
    }

    /// <summary>
    /// Returns once <paramref name="duration"/> has passed since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp:
    /// real time, what a stranger measures, not the server's clock), at that moment rather than at one that depends on when
    /// the call was made. A timer would not do: .NET's timers count by a coarse clock (4 ms a tick on common Linux kernels),
    /// so the end would move with the fraction of a tick the work before it took. The waits are released by one thread of
    /// their own (<see cref="ReleaseThread"/>), so that however many posts wait, no request thread is held and at most one
    /// core spins.
    /// </summary>
    internal static async Task WaitUntilAsync(long started, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (Stopwatch.GetElapsedTime(started) >= duration)
        {
            return;
        }
        try
        {
            await ReleaseThread.Shared.WhenPassed(started + (long)(duration.TotalSeconds * Stopwatch.Frequency)).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the client left: nobody is timing the answer
        }
    }

    /// <summary>
    /// Completes each wait at its deadline, to a fraction of a millisecond. It sleeps on a monitor, whose timed waits end
    /// about a tenth of a millisecond after the whole milliseconds they are given, until less than
    /// <see cref="SpunAtTheEnd"/> is left before the next deadline, then spins, yielding to other threads. A wait's
    /// continuation runs on the thread pool, not here.
    /// </summary>
    internal sealed class ReleaseThread
    {
        private static readonly TimeSpan SpunAtTheEnd = TimeSpan.FromMilliseconds(1.5);

        public static ReleaseThread Shared { get; } = new();

        private readonly object _gate = new();
        private readonly PriorityQueue<TaskCompletionSource, long> _waits = new();
        private readonly List<TaskCompletionSource> _due = [];

        private ReleaseThread() =>
            new Thread(Run) { IsBackground = true, Name = "Cipherpad even timing" }.Start();

        /// <summary>A task that completes once <see cref="Stopwatch.GetTimestamp"/> has reached <paramref name="deadline"/>.</summary>
        public Task WhenPassed(long deadline)
        {
            var wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _waits.Enqueue(wait, deadline);
                if (_waits.Peek() == wait)
                {
                    Monitor.PulseAll(_gate);
                }
            }
            return wait.Task;
        }

        private void Run()
        {
            var spinner = default(SpinWait);
            while (true)
            {
                bool spin;
                lock (_gate)
                {
                    var now = Stopwatch.GetTimestamp();
                    while (_waits.TryPeek(out _, out var deadline) && deadline <= now)
                    {
                        _due.Add(_waits.Dequeue());
                    }
                    spin = false;
                    if (_due.Count == 0)
                    {
                        if (!_waits.TryPeek(out _, out var next))
                        {
                            Monitor.Wait(_gate);
                        }
                        else if (Stopwatch.GetElapsedTime(now, next) is var left && left > SpunAtTheEnd)
                        {
                            Monitor.Wait(_gate, (int)(left - SpunAtTheEnd).TotalMilliseconds + 1);
                        }
                        else
                        {
                            spin = true;
                        }
                    }
                }
                foreach (var due in _due)
                {
                    due.SetResult();
                }
                _due.Clear();
                if (spin)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
                else
                {
                    spinner.Reset();
                }
            }
        }
    }
}

/// <summary>Holds a page's answers to posts back as <see cref="EvenTiming"/> says.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EvenlyTimedFormAttribute : Attribute, IFilterFactory
{
    public bool IsReusable => true;

    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) =>
        new Filter(serviceProvider.GetRequiredService<IOptions<CipherpadOptions>>());

    private sealed class Filter(IOptions<CipherpadOptions> options) : IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
        {
            if (!HttpMethods.IsPost(context.HttpContext.Request.Method))
            {
                await next();
                return;
            }
            var started = Stopwatch.GetTimestamp();
            await next();
            await EvenTiming.HoldBackAsync(context.HttpContext, started, options.Value.Accounts.AddressPostResponseTime);
        }
    }
}
