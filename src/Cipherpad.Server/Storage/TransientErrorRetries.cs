namespace Cipherpad.Server.Storage;

/// <summary>
/// Runs an API request again, from the start and in a fresh scope (a new database context, nothing of the failed attempt
/// kept), when it failed on a transient database error (<see cref="TransientDatabaseErrors"/>) before anything of its
/// response was sent: everything it wrote was rolled back, so the next attempt sees the database as the first did, and
/// every limit is reserved again before an answer is evaluated. A request whose commit may or may not have been made is
/// not run again: it fails with 503, and the caller starts again with a new question.
/// </summary>
public sealed class TransientErrorRetries(RequestDelegate next, IServiceScopeFactory scopes, ILogger<TransientErrorRetries> logger)
{
    /// <summary>Attempts in all, the first included.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The largest request body kept for another attempt; a larger request is run once.</summary>
    private const int MaxBufferedBody = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Path.StartsWithSegments("/api") || context.Request.ContentLength is > MaxBufferedBody)
        {
            await next(context);
            return;
        }
        context.Request.EnableBuffering(MaxBufferedBody);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await next(context);
                return;
            }
            catch (CommitOutcomeUnknownException exception) when (!context.Response.HasStarted)
            {
                logger.LogWarning(exception, "A commit's outcome is unknown: the connection to the database was lost during it");
                context.Response.Clear();
                await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Outcome unknown",
                    detail: "The database connection was lost while this request was being committed, so whether it took effect is " +
                        "unknown. Start again with a new question.").ExecuteAsync(context);
                return;
            }
            catch (Exception exception) when (attempt < MaxAttempts && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested
                && TransientDatabaseErrors.IsTransient(exception))
            {
                logger.LogWarning(exception, "A transient database error; running the request again (attempt {Attempt} of {MaxAttempts})", attempt + 1, MaxAttempts);
            }
            context.Response.Clear();
            context.Request.Body.Position = 0;
            context.SetEndpoint(null);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), context.RequestAborted);
            // A fresh scope for the next attempt: a new database context and unit of work, disposed with the request.
            var scope = scopes.CreateAsyncScope();
            context.Response.RegisterForDisposeAsync(scope);
            context.RequestServices = scope.ServiceProvider;
        }
    }
}
