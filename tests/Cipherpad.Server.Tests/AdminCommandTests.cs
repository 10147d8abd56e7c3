using System.Diagnostics;
using System.Net.Http.Json;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>The real cipherpad-server program's admin commands, run as their own process on the same data as the server.</summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);

    public void Dispose() => _factory.Dispose();

    private async Task<(int ExitCode, string Output, string Error)> AdminAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cipherpad-server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Cipherpad__DataDirectory"] = _factory.DataDirectory;
        start.Environment["CIPHERPAD_MASTER_KEY"] = _factory.MasterKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Rp_add_prints_credentials_that_work_and_only_their_hash_is_stored()
    {
        _ = _factory.Services; // the server has created and migrated its database
        var (exitCode, output, error) = await AdminAsync("rp", "add", "--name", "Demo Shop");
        Assert.True(exitCode == 0, error);
        var clientId = System.Text.RegularExpressions.Regex.Match(output, @"client_id:\s+(\S+)").Groups[1].Value;
        var secret = System.Text.RegularExpressions.Regex.Match(output, @"client_secret:\s+(\S+)").Groups[1].Value;

        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        var response = await client.PostAsJsonAsync("/api/v1/challenges", new { login = "nobody@example.com" });

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode); // authenticated; the account does not exist
        await using var scope = _factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().RelyingParties.SingleAsync(r => r.ClientId == clientId);
        Assert.NotEqual(secret, stored.ClientSecretHash);
        Assert.Contains("Demo Shop", (await AdminAsync("rp", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_resolves_a_lost_phone_request_and_the_change_is_logged()
    {
        await Journeys.RegisterAndActivateAsync(_factory, "ann@example.com");
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SupportRequests>()
                .SubmitAsync("ann@example.com", "Ann Example", "+49 171 7654321", "phone", "stolen", "192.0.2.8", default);
        }

        var list = await AdminAsync("support", "list");
        var id = list.Output.Split(' ')[0];
        var show = await AdminAsync("support", "show", id);
        var badPhone = await AdminAsync("account", "set-phone", "--email", "ann@example.com", "--phone", "0171", "--reason", "support " + id);
        var phone = await AdminAsync("account", "set-phone", "--email", "ann@example.com", "--phone", "+49 171 7654321", "--reason", "support " + id);
        var taken = await AdminAsync("account", "set-email", "--email", "ann@example.com", "--new-email", "ann@example.com", "--reason", "test");
        var resolved = await AdminAsync("support", "resolve", id, "--note", "identity checked by video call; phone changed");

        Assert.Contains("lost phone", list.Output, StringComparison.Ordinal);
        Assert.Contains("stolen", show.Output, StringComparison.Ordinal);
        Assert.Equal(1, badPhone.ExitCode);
        Assert.Equal(0, phone.ExitCode);
        Assert.Equal(1, taken.ExitCode);
        Assert.Equal(0, resolved.ExitCode);
        Assert.Equal("", (await AdminAsync("support", "list")).Output.Trim());
        await using var check = _factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        Assert.Equal("+491717654321", (await db.Accounts.SingleAsync()).Phone);
        var entry = await db.AuthorizationLog.SingleAsync(e => e.Method == "admin");
        Assert.Equal("phone change", entry.Purpose);
        Assert.Contains("support " + id, entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_commands_print_the_usage()
    {
        _ = _factory.Services;
        var (exitCode, _, error) = await AdminAsync("support", "frobnicate");
        Assert.Equal(2, exitCode);
        Assert.Contains("cipherpad-server rp add", error, StringComparison.Ordinal);
    }
}
