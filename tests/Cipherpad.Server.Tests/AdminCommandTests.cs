using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
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

    private Task<(int ExitCode, string Output, string Error)> AdminAsync(params string[] arguments) => AdminAsync(Program(arguments));

    private static Task<(int ExitCode, string Output, string Error)> AdminAsync(ProcessStartInfo start) =>
        ProgramRun.ToEndAsync(start, TimeSpan.FromSeconds(60));

    private ProcessStartInfo Program(string[] arguments)
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
        return start;
    }

    private static HttpClient Basic(HttpClient client, string clientId, string secret)
    {
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return client;
    }

    private static string Credential(string output, string name) =>
        System.Text.RegularExpressions.Regex.Match(output, name + @":\s+(\S+)").Groups[1].Value;

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
        var response = await client.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"));

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
    public async Task A_command_prints_only_its_result_and_the_logs_go_to_standard_error()
    {
        // From a folder without the server's appsettings.json, as 'dotnet run --project src/Cipherpad.Server' from the
        // repository runs it, and with every log level at Information: Entity Framework's statements included.
        var elsewhere = Directory.CreateTempSubdirectory("cipherpad-admin-");
        ProcessStartInfo Elsewhere(params string[] arguments)
        {
            var start = Program(arguments);
            start.WorkingDirectory = elsewhere.FullName;
            start.Environment["Logging__LogLevel__Default"] = "Information";
            return start;
        }
        try
        {
            var added = await AdminAsync(Elsewhere("rp", "add", "--name", "Demo Shop"));
            var listed = await AdminAsync(Elsewhere("rp", "list"));

            Assert.True(added.ExitCode == 0, added.Error);
            Assert.StartsWith("Relying party \"Demo Shop\" added.", added.Output, StringComparison.Ordinal);
            var line = Assert.Single(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Matches(@"^rp_\S+  Demo Shop  \(added [^)]+\)  flows code,refresh,client-credentials$", line.TrimEnd('\r'));
            Assert.DoesNotContain("Executed DbCommand", listed.Error, StringComparison.Ordinal); // below Warning, not written at all
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bare_file_path_as_the_sqlite_connection_string_is_the_database_file()
    {
        var file = Path.Combine(_factory.DataDirectory, "elsewhere", "cipherpad.db");
        var migrate = Program(["migrate"]);
        migrate.Environment["Cipherpad__Database__ConnectionString"] = file;
        var list = Program(["rp", "list"]);
        list.Environment["Cipherpad__Database__ConnectionString"] = file;

        var migrated = await AdminAsync(migrate);
        var listed = await AdminAsync(list);

        Assert.True(migrated.ExitCode == 0, migrated.Error);
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.True(new FileInfo(file).Length > 0, "the migrated database is the file named");
        Assert.False(File.Exists(Path.Combine(_factory.DataDirectory, "cipherpad.db")));
    }

    [Fact]
    public async Task A_setting_in_a_file_of_the_secrets_directory_wins_over_the_environment()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(_factory.DataDirectory, "secrets"));
        var file = Path.Combine(_factory.DataDirectory, "from-a-secret", "cipherpad.db");
        // As `echo … > file` leaves it, with a newline.
        await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Cipherpad__Database__ConnectionString"), $"Data Source={file}\n");
        var migrate = Program(["migrate"]);
        migrate.Environment["Cipherpad__SecretsDirectory"] = secrets.FullName;
        migrate.Environment["Cipherpad__Database__ConnectionString"] = Path.Combine(_factory.DataDirectory, "from-the-environment.db");

        var (exitCode, _, error) = await AdminAsync(migrate);

        Assert.True(exitCode == 0, error);
        Assert.True(File.Exists(file), "the database is where the secret file says");
        Assert.False(File.Exists(Path.Combine(_factory.DataDirectory, "from-the-environment.db")));
    }

    [Theory]
    [InlineData("Cipherpad__Database__ConnectionString", "Data Sourc=/srv/cipherpad.db", "Cipherpad:Database:ConnectionString is not a SQLite connection string")]
    [InlineData("Cipherpad__SecretsDirectory", "/run/no-such-secrets", "Cipherpad:SecretsDirectory = '/run/no-such-secrets', which is not a folder")]
    public async Task A_setting_a_command_cannot_use_stops_it_with_one_line_naming_the_setting(string variable, string value, string message)
    {
        var start = Program(["rp", "list"]);
        start.Environment[variable] = value;

        var (exitCode, _, error) = await AdminAsync(start);

        Assert.Equal(1, exitCode);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Unknown_commands_print_the_usage()
    {
        _ = _factory.Services;
        var (exitCode, _, error) = await AdminAsync("support", "frobnicate");
        Assert.Equal(2, exitCode);
        Assert.Contains("cipherpad-server rp add", error, StringComparison.Ordinal);
        Assert.Equal(2, (await AdminAsync("frobnicate")).ExitCode);
        Assert.Equal(2, (await AdminAsync("rp")).ExitCode);
        Assert.Equal(2, (await AdminAsync("rp", "add")).ExitCode); // --name is required
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("rp", "--help")]
    [InlineData("rp", "rotate-secret", "--help")]
    [InlineData("support", "show", "-h")]
    [InlineData("account", "set-phone", "--help")]
    [InlineData("prune", "--help")]
    public async Task Help_at_every_level_prints_the_usage_and_touches_nothing(params string[] arguments)
    {
        var (exitCode, output, error) = await AdminAsync(arguments);

        Assert.True(exitCode == 0, error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_factory.DataDirectory)); // no database was created, no server started
    }

    [Fact]
    public async Task Host_arguments_start_the_server_instead_of_a_command()
    {
        var start = Program(["--urls", "http://127.0.0.1:0"]);
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal));
            Assert.NotNull(line);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Outside_development_the_program_refuses_the_development_key_exits_1_and_creates_nothing()
    {
        var developmentKey = Path.Combine(_factory.DataDirectory, "master.key");
        await File.WriteAllTextAsync(developmentKey, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

        async Task<(int ExitCode, string Error)> RunAsync(params string[] arguments)
        {
            var start = Program(arguments);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment.Remove("CIPHERPAD_MASTER_KEY");
            using var process = Process.Start(start)!;
            try
            {
                var error = process.StandardError.ReadToEndAsync();
                _ = process.StandardOutput.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await process.WaitForExitAsync(timeout.Token);
                return (process.ExitCode, await error);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true); // a server that started after all
                }
            }
        }
        var server = await RunAsync("--urls", "http://127.0.0.1:0");
        var command = await RunAsync("support", "list");

        Assert.Equal(1, server.ExitCode);
        Assert.StartsWith($"cipherpad-server cannot start: The only master key is {developmentKey}, the key a Development run made", server.Error,
            StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Error, StringComparison.Ordinal); // a message, not a stack trace
        Assert.Equal(1, command.ExitCode);
        Assert.Contains("the key a Development run made for itself", command.Error, StringComparison.Ordinal);
        Assert.Equal([developmentKey], Directory.GetFileSystemEntries(_factory.DataDirectory)); // no database was created
    }

    [Fact]
    public async Task Rp_rotate_secret_prints_a_new_secret_and_the_old_one_stops_at_once()
    {
        _ = _factory.Services;
        var added = (await AdminAsync("rp", "add", "--name", "Demo Shop")).Output;
        var clientId = Credential(added, "client_id");
        using var old = Basic(_factory.CreateClient(), clientId, Credential(added, "client_secret"));
        Assert.Equal(HttpStatusCode.NotFound, (await old.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"))).StatusCode);

        var (exitCode, output, error) = await AdminAsync("rp", "rotate-secret", clientId);

        Assert.True(exitCode == 0, error);
        Assert.Equal(clientId, Credential(output, "client_id"));
        using var rotated = Basic(_factory.CreateClient(), clientId, Credential(output, "client_secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rotated.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"))).StatusCode);
        Assert.Equal(1, (await AdminAsync("rp", "rotate-secret", "rp_unknown")).ExitCode);
    }

    [Fact]
    public async Task Rp_webhook_prints_a_signing_secret_once_refuses_plain_http_and_removes_the_webhook()
    {
        _ = _factory.Services;
        var clientId = Credential((await AdminAsync("rp", "add", "--name", "Demo Shop")).Output, "client_id");

        var (setCode, setOutput, setError) = await AdminAsync("rp", "webhook", clientId, "https://shop.example/cipherpad-events");
        var listed = (await AdminAsync("rp", "list")).Output;
        var (plainCode, _, plainError) = await AdminAsync("rp", "webhook", clientId, "http://shop.example/cipherpad-events");
        var (bothCode, _, _) = await AdminAsync("rp", "webhook", clientId, "https://shop.example/x", "--remove");
        var (removeCode, removeOutput, _) = await AdminAsync("rp", "webhook", clientId, "--remove");
        var listedAfter = (await AdminAsync("rp", "list")).Output;

        Assert.True(setCode == 0, setError);
        var secret = Credential(setOutput, "signing secret");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Contains("webhook https://shop.example/cipherpad-events", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Equal(2, plainCode);
        Assert.Contains("must be https", plainError, StringComparison.Ordinal);
        Assert.Equal(2, bothCode);
        Assert.Equal(0, removeCode);
        Assert.Contains("has no webhook any more", removeOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("webhook", listedAfter, StringComparison.Ordinal);
        Assert.Equal(1, (await AdminAsync("rp", "webhook", "rp_unknown", "--remove")).ExitCode);
    }

    private static async Task<HttpStatusCode> ClientCredentialsAsync(HttpClient server, string clientId, string secret)
    {
        using var response = await server.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        return response.StatusCode;
    }

    [Fact]
    public async Task Rp_add_with_return_addresses_makes_an_OpenID_Connect_client_whose_secret_rotates_with_the_API_secret()
    {
        _ = _factory.Services;
        var added = await AdminAsync("rp", "add", "--name", "Demo Wallet", "--redirect-uri", "https://wallet.example/cb",
            "--post-logout-redirect-uri", "https://wallet.example/");
        Assert.True(added.ExitCode == 0, added.Error);
        var clientId = Credential(added.Output, "client_id");
        Assert.Contains("returns to https://wallet.example/cb, after sign-out https://wallet.example/", (await AdminAsync("rp", "list")).Output,
            StringComparison.Ordinal);
        using var server = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync(server, clientId, Credential(added.Output, "client_secret")));

        var rotated = await AdminAsync("rp", "rotate-secret", clientId);
        Assert.Equal(HttpStatusCode.Unauthorized, await ClientCredentialsAsync(server, clientId, Credential(added.Output, "client_secret")));
        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync(server, clientId, Credential(rotated.Output, "client_secret")));

        var refused = await AdminAsync("rp", "return-addresses", clientId, "--redirect-uri", "http://wallet.example/cb");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("plain http to another machine", refused.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await AdminAsync("rp", "add", "--name", "Bad", "--redirect-uri", "https://wallet.example/cb#frag")).ExitCode);
        Assert.DoesNotContain("Bad", (await AdminAsync("rp", "list")).Output, StringComparison.Ordinal);
        var replaced = await AdminAsync("rp", "return-addresses", clientId, "--redirect-uri", "http://127.0.0.1:8080/cb");
        Assert.True(replaced.ExitCode == 0, replaced.Error);
        Assert.Contains("after sign-in:  http://127.0.0.1:8080/cb", replaced.Output, StringComparison.Ordinal);
        Assert.Equal(1, (await AdminAsync("rp", "return-addresses", "rp_unknown")).ExitCode);

        // Only the API and its own tokens: no sign-ins.
        var flows = await AdminAsync("rp", "flows", clientId, "--flow", "client-credentials");
        Assert.True(flows.ExitCode == 0, flows.Error);
        Assert.Contains("may use: client-credentials.", flows.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync(server, clientId, Credential(rotated.Output, "client_secret")));
        using var signIn = await server.GetAsync($"/connect/authorize?client_id={clientId}&response_type=code&scope=openid" +
            "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcb&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGjSstw-cM&code_challenge_method=S256");
        Assert.Contains("unauthorized_client", signIn.Headers.Location?.Query ?? await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AdminAsync("rp", "flows", clientId, "--flow", "code");
        Assert.NotEqual(HttpStatusCode.OK, await ClientCredentialsAsync(server, clientId, Credential(rotated.Output, "client_secret")));
        Assert.Equal(2, (await AdminAsync("rp", "flows", clientId, "--flow", "implicit")).ExitCode);
    }

    [Fact]
    public async Task Oidc_rotate_keys_signs_with_a_new_key_after_a_restart_and_keeps_publishing_the_old_one()
    {
        _ = _factory.Services;
        var added = await AdminAsync("rp", "add", "--name", "Demo Wallet");
        string[] credentials = [Credential(added.Output, "client_id"), Credential(added.Output, "client_secret")];
        async Task<(string Kid, string[] Published)> KeysAsync(HttpClient server)
        {
            using var token = await server.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = credentials[0], ["client_secret"] = credentials[1],
            }));
            var jwt = (await token.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("access_token").GetString()!;
            var kid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(jwt).Kid;
            var jwks = await server.GetFromJsonAsync<System.Text.Json.JsonElement>("/.well-known/jwks");
            return (kid, [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)]);
        }
        using var first = _factory.CreateClient();
        var (before, publishedBefore) = await KeysAsync(first);
        Assert.Equal([before], publishedBefore);

        var rotated = await AdminAsync("oidc", "rotate-keys");
        Assert.True(rotated.ExitCode == 0, rotated.Error);
        var listed = (await AdminAsync("oidc", "keys")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, listed.Count(line => line.Contains("current", StringComparison.Ordinal)));
        Assert.Equal(2, listed.Count(line => line.Contains("retires", StringComparison.Ordinal)));

        await using var restarted = await ServerProcess.StartAsync(_factory);
        using var second = new HttpClient { BaseAddress = restarted.Address };
        var (after, publishedAfter) = await KeysAsync(second);
        Assert.NotEqual(before, after);
        Assert.Contains(after, rotated.Output, StringComparison.Ordinal);
        Assert.Equal([after, before], publishedAfter);
    }

    [Fact]
    public async Task Demo_seed_runs_only_in_development_and_gives_a_code_that_activates_and_a_wallet_client_that_signs_in()
    {
        _ = _factory.Services;
        Assert.Equal(2, (await AdminAsync("demo", "seed")).ExitCode);

        var development = Program(["demo", "seed", "--wallet", "http://localhost:5090"]);
        development.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        var (exitCode, output, error) = await AdminAsync(development);
        Assert.True(exitCode == 0, error);
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim().Trim('\''));
        Assert.Equal("demo@example.com", values["DEMO_EMAIL"]);

        var (activated, secret) = await Journeys.ActivateAsync(_factory.CreateClient(), "demo@example.com", values["DEMO_ACTIVATION_CODE"]);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        Assert.NotNull(secret);
        using var server = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync(server, values["DEMO_CLIENT_ID"], values["DEMO_CLIENT_SECRET"]));
        Assert.Contains("returns to http://localhost:5090/signin-oidc", (await AdminAsync("rp", "list")).Output, StringComparison.Ordinal);

        // Again: the same account and wallet, a new code and a new secret.
        var again = await AdminAsync(development);
        Assert.Contains($"DEMO_CLIENT_ID='{values["DEMO_CLIENT_ID"]}'", again.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await ClientCredentialsAsync(server, values["DEMO_CLIENT_ID"], values["DEMO_CLIENT_SECRET"]));
    }

    [Fact]
    public async Task A_disabled_relying_party_gets_401_problem_details_until_it_is_enabled_again()
    {
        _ = _factory.Services;
        var added = (await AdminAsync("rp", "add", "--name", "Demo Shop")).Output;
        var clientId = Credential(added, "client_id");
        using var shop = Basic(_factory.CreateClient(), clientId, Credential(added, "client_secret"));

        var disabled = await AdminAsync("rp", "disable", clientId);
        var refused = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"));
        var list = await AdminAsync("rp", "list");
        var enabled = await AdminAsync("rp", "enable", clientId);
        var served = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"));

        Assert.Equal(0, disabled.ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetInt32());
        Assert.Contains(", disabled ", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, enabled.ExitCode);
        Assert.Equal(HttpStatusCode.NotFound, served.StatusCode);
        Assert.Equal(1, (await AdminAsync("rp", "disable", "rp_unknown")).ExitCode);
    }

    [Fact]
    public async Task Support_show_never_lets_a_request_write_terminal_sequences()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SupportRequests>().SubmitAsync("ann@example.com", "Ann\u001b[8mExample",
                "ann@example.net", "phone", "\u001b]0;owned\u0007\u001b[2JPlease help.\r\nState:    resolved\u202e", "192.0.2.8", default);
        }

        var list = await AdminAsync("support", "list");
        var show = await AdminAsync("support", "show", list.Output.Split(' ')[0]);

        Assert.Equal(0, show.ExitCode);
        Assert.DoesNotContain(show.Output, c => c is '\u001b' or '\u0007' or '\u202e');
        Assert.Contains(@"Name:     Ann\u001b[8mExample", show.Output, StringComparison.Ordinal);
        Assert.Contains(@"Message:  \u001b]0;owned\u0007\u001b[2JPlease help.", show.Output, StringComparison.Ordinal);
        // The message's second line is indented under it, so it cannot pass for the request's state.
        Assert.Contains(Environment.NewLine + @"          State:    resolved\u202e", show.Output, StringComparison.Ordinal);
        Assert.Contains(Environment.NewLine + "State:    open", show.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain text", null, "plain text")]
    [InlineData("bell\u0007 escape\u001b[31m", null, @"bell\u0007 escape\u001b[31m")]
    [InlineData("tab\tcr\rdel\u007f c1\u009b", null, @"tab\tcr\rdel\u007f c1\u009b")]
    [InlineData("right-to-left \u202e override, tag \U000E0041", null, @"right-to-left \u202e override, tag \U000e0041")]
    [InlineData("two\r\nlines", null, @"two\nlines")]
    [InlineData("two\r\nlines", "|", "two|lines")]
    [InlineData("Grüße, 你好 😀", null, "Grüße, 你好 😀")]
    public void Printable_escapes_control_and_formatting_characters(string text, string? lineBreak, string expected) =>
        Assert.Equal(expected, Admin.AdminCommandLine.Printable(text, lineBreak));

    [Fact]
    public async Task Prune_deletes_expired_data_once_and_prints_the_counts()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            db.Challenges.Add(new Cipherpad.Server.Challenges.Challenge { Question = "12345678", ExpiresAt = _factory.Time.GetUtcNow() - TimeSpan.FromDays(30) });
            await db.SaveChangesAsync();
        }

        var first = await AdminAsync("prune");
        var second = await AdminAsync("prune");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Matches(@"questions:\s+1\b", first.Output);
        Assert.Matches(@"total:\s+0\b", second.Output);
        await using var check = _factory.Services.CreateAsyncScope();
        Assert.False(await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.AnyAsync());
    }
}
