namespace Cipherpad.Server.Storage;

/// <summary>
/// Runs an API endpoint's handler again, in a fresh scope (a new database context and unit of work, nothing of the failed
/// attempt kept), when it failed on a transient database error (<see cref="TransientDatabaseErrors"/>): everything it
/// wrote was rolled back, so the next attempt sees the database as the first did, and every limit is reserved again
/// before an answer is evaluated. The request is not read again: the handler gets the arguments already bound, and new
/// instances of the services it asks for; a handler that reads the body itself keeps what it read in the request's items
/// (as the pad's signed requests do). A handler whose commit may or may not have been made is not run again: it
/// answers 503, and the caller starts again with a new question. The failed attempt's connection goes back to the pool
/// before the next attempt takes one.
/// </summary>
public static class TransientErrorRetries
{
    /// <summary>Attempts in all, the first included.</summary>
    public const int MaxAttempts = 3;

    public static TBuilder RetryOnTransientDatabaseErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((endpoint, next) =>
        {
            var isService = endpoint.ApplicationServices.GetRequiredService<IServiceProviderIsService>();
            // The handler's parameters that come from the request's services, to be taken from the new scope on a retry.
            var services = endpoint.MethodInfo.GetParameters()
                .Select((parameter, index) => (parameter.ParameterType, Index: index))
                .Where(parameter => isService.IsService(parameter.ParameterType)).ToArray();
            var logger = endpoint.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TransientErrorRetries));
            return async invocation =>
            {
                var http = invocation.HttpContext;
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await next(invocation);
                    }
                    catch (CommitOutcomeUnknownException exception)
                    {
                        logger.LogWarning(exception, "A commit's outcome is unknown: the connection to the database was lost during it");
                        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Outcome unknown",
                            detail: "The database connection was lost while this request was being committed, so whether it took effect is " +
                                "unknown. Start again with a new question.");
                    }
                    catch (Exception exception) when (attempt < MaxAttempts && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested
                        && TransientDatabaseErrors.IsTransient(exception))
                    {
                        logger.LogWarning(exception, "A transient database error; running the request again (attempt {Attempt} of {MaxAttempts})",
                            attempt + 1, MaxAttempts);
                    }
                    await http.RequestServices.GetRequiredService<CipherpadDbContext>().AbandonAttemptAsync();
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), http.RequestAborted);
                    var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
                    http.Response.RegisterForDisposeAsync(scope);
                    http.RequestServices = scope.ServiceProvider;
                    foreach (var (type, index) in services)
                    {
                        invocation.Arguments[index] = scope.ServiceProvider.GetRequiredService(type);
                    }
                }
            };
        });
}
