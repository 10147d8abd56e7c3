using System.Net;
using Cipherpad.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests.Web;

/// <summary>
/// A request the server fails with an exception gets a 500 that says nothing of it, and the exception is in the server's
/// log, where a test's factory finds it (a browser test that met one fails with its text).
/// </summary>
public sealed class UnhandledExceptionTests
{
    private const string Failure = "a failure of the test's own making";

    [Fact]
    public async Task A_request_that_throws_gets_a_bare_500_and_its_exception_is_logged_for_the_tests_to_show()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, services: services => services.AddSingleton<IStartupFilter>(new Throwing()));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/test/throws", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain(Failure, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(Failure, Assert.Single(factory.UnhandledExceptions()), StringComparison.Ordinal);
    }

    /// <summary>Adds, after the server's own pipeline (so inside its exception handler), a path that throws.</summary>
    private sealed class Throwing : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/test/throws", branch => branch.Run(_ => throw new InvalidOperationException(Failure)));
        };
    }
}
