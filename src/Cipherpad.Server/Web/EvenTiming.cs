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
/// </summary>
public static class EvenTiming
{
    // Timers count by a coarse clock (4 ms a tick on common Linux kernels) and wake up to a tick late or early.
    private static readonly TimeSpan SpunAtTheEnd = TimeSpan.FromMilliseconds(4);

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
                await WaitUntilAsync(started, http.RequestServices.GetRequiredService<IOptions<CipherpadOptions>>().Value.Accounts.AddressPostResponseTime,
                    http.RequestAborted);
            }
        });

    /// <summary>
    /// Returns once <paramref name="duration"/> has passed since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp:
    /// real time, what a stranger measures, not the server's clock), at that moment rather than at one that depends on when
    /// the call was made. A timer alone would not do: it counts whole milliseconds from when it is set and wakes a millisecond
    /// or more late, so the end would still move with the fraction of a millisecond the work before it took. It sleeps until
    /// shortly before the end and spins, yielding to other threads, over the last few milliseconds.
    /// </summary>
    internal static async Task WaitUntilAsync(long started, TimeSpan duration, CancellationToken cancellationToken)
    {
        var sleep = duration - SpunAtTheEnd - Stopwatch.GetElapsedTime(started);
        if (sleep > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(sleep, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return; // the client left: nobody is timing the answer
            }
        }
        var spinner = default(SpinWait);
        while (Stopwatch.GetElapsedTime(started) < duration && !cancellationToken.IsCancellationRequested)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
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
            await EvenTiming.WaitUntilAsync(started, options.Value.Accounts.AddressPostResponseTime, context.HttpContext.RequestAborted);
        }
    }
}
