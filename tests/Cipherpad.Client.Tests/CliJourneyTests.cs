using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Server;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;

namespace Cipherpad.Client.Tests;

/// <summary>The real cipherpad CLI against a real server listening on loopback.</summary>
public sealed class CliJourneyTests : IDisposable
{
    private const string Pin = "246813";
    private readonly string _home = Path.Combine(Path.GetTempPath(), "cipherpad-cli-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);

    public void Dispose()
    {
        _factory.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private async Task<(Uri Server, Cli Cli)> ActivatedAsync(string email = "ann@example.com")
    {
        var server = _factory.StartOnLoopback();
        using var browser = _factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(_factory, browser, email);
        var cli = new Cli(_home);
        var activated = await cli.RunAsync(Pin, "activate", "--server", server.ToString(), "--email", email, "--code", code, "--name", "laptop", "--json");
        Assert.True(activated.ExitCode == 0, activated.Error);
        Assert.Equal(email, activated.Json.GetProperty("activated").GetString());
        return (server, cli);
    }

    [Fact]
    public async Task The_CLI_activates_and_its_answer_logs_the_user_in()
    {
        var (_, cli) = await ActivatedAsync();
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com"));
        var question = challenge.Question;

        var answered = await cli.RunAsync(Pin, "answer", question);
        Assert.True(answered.ExitCode == 0, answered.Error);
        Assert.Matches("^[0-9]{4} [0-9]{4}$", answered.Output);

        var verdict = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answered.Output));
        Assert.Equal(VerifyResults.Success, verdict.Result);
    }

    [Fact]
    public async Task The_CLI_answer_signs_the_user_in_to_the_personal_account()
    {
        var (_, cli) = await ActivatedAsync();
        using var browser = _factory.Browser();
        var questionPage = await Journeys.StartSignInAsync(browser, "ann@example.com");

        var answer = (await cli.RunAsync(Pin, "answer", questionPage.Question, "--json")).Json.GetProperty("answer").GetString()!;
        var signedIn = await questionPage.AnswerAsync(answer);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("Hello, Ann", (await AccountPage.OpenAsync(browser)).Greeting);
    }

    [Fact]
    public async Task Under_a_guessing_attack_the_CLI_answers_the_longer_question_and_its_owner_signs_in()
    {
        var (_, cli) = await ActivatedAsync();
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            // As if strangers had spent nearly all of today's guess budget on this account.
            var db = scope.ServiceProvider.GetRequiredService<Server.Storage.CipherpadDbContext>();
            var account = await db.Accounts.SingleAsync();
            var now = _factory.Time.GetUtcNow(); // the pad answers by the real clock, so the server's cannot be moved: tomorrow too, in case midnight comes
            db.GuessRisks.AddRange(
                new Server.Challenges.GuessRisk { AccountId = account.Id, Day = Server.Storage.UtcPeriods.DayOf(now), Spent = 9.9e-7 },
                new Server.Challenges.GuessRisk { AccountId = account.Id, Day = Server.Storage.UtcPeriods.DayOf(now.AddDays(1)), Spent = 9.9e-7 });
            await db.SaveChangesAsync();
        }
        using var browser = _factory.Browser();
        var questionPage = await Journeys.StartSignInAsync(browser, "ann@example.com");

        var answered = await cli.RunAsync(Pin, "answer", questionPage.Question);
        var signedIn = await questionPage.AnswerAsync(answered.Output);

        Assert.Equal(2, Core.Answers.Question.PartCount(questionPage.Question));
        Assert.Matches("^[0-9]{4}( [0-9]{4}){3}$", answered.Output);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task The_CLI_keeps_a_key_file_in_the_vault_and_gets_it_back_by_answering_its_release_question()
    {
        var (_, cli) = await ActivatedAsync();
        var keyFile = Path.Combine(_home, "wallet.kwm");
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000);
        await File.WriteAllBytesAsync(keyFile, content);

        var put = await cli.RunAsync(Pin, "vault", "put", keyFile, "--json");
        var list = await cli.RunAsync(Pin, "vault", "list");
        var restored = Path.Combine(_home, "restored.kwm");
        var get = await cli.RunAsync(Pin, "vault", "get", "wallet.kwm", "--out", restored);

        Assert.True(put.ExitCode == 0, put.Error);
        Assert.Equal(1, put.Json.GetProperty("version").GetInt32());
        Assert.StartsWith("wallet.kwm  versions 1  (3000 bytes", list.Output, StringComparison.Ordinal);
        Assert.True(get.ExitCode == 0, get.Error);
        Assert.StartsWith("Verified: confirm \"Release the key file \"wallet.kwm\", version 1\"", get.Output, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(restored));
        Assert.Contains("was released from your key vault", Journeys.LatestEmailTo(_factory, "ann@example.com").Subject, StringComparison.Ordinal);

        var wrongPin = await cli.RunAsync("999999", "vault", "get", "wallet.kwm", "--out", restored);
        var deleted = await cli.RunAsync(Pin, "vault", "delete", "wallet.kwm");
        var gone = await cli.RunAsync(Pin, "vault", "get", "wallet.kwm", "--json");

        Assert.Equal(3, wrongPin.ExitCode);
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal("unknown-vault-item", gone.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_CLI_opens_a_vault_export_offline_with_its_passphrase_and_never_writes_outside_the_folder()
    {
        var cli = new Cli(_home);
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(200);
        var export = Path.Combine(_home, "export.json");
        Directory.CreateDirectory(_home);
        await File.WriteAllBytesAsync(export, Core.Vault.VaultExport.Seal(
        [
            new("wallet.kwm", 1, DateTimeOffset.UtcNow, [1, 2, 3]),
            new("wallet.kwm", 2, DateTimeOffset.UtcNow, content),
            new("../escape", 1, DateTimeOffset.UtcNow, [9]),
        ], "correct horse battery", DateTimeOffset.UtcNow, Core.Vault.VaultExport.MinimumIterations));
        var folder = Path.Combine(_home, "restored");

        var wrong = await cli.RunWithInputAsync(null, "wrong passphrase\n", "vault", "open-export", export, "--out", folder, "--json");
        var opened = await cli.RunWithInputAsync(null, "correct horse battery\n", "vault", "open-export", export, "--out", folder);

        Assert.Equal("wrong-passphrase", wrong.Json.GetProperty("error").GetString());
        Assert.True(opened.ExitCode == 0, opened.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(folder, "wallet.kwm")));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(folder, "wallet.kwm.v1")));
        Assert.Equal([9], await File.ReadAllBytesAsync(Path.Combine(folder, ".._escape")));
        Assert.False(File.Exists(Path.Combine(_home, "escape")));
    }

    private static async Task<string> VerifyAsync(HttpClient shop, ChallengeResponse challenge, string answer) =>
        (await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer))).Result;

    [Fact]
    public async Task The_CLI_confirms_an_action_and_a_payment()
    {
        var (_, cli) = await ActivatedAsync();
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        var action = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Action, Description: "Add correspondent Bob"));
        var payment = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123456789012", Amount: "12.50", Currency: "USD"));

        var confirmed = await cli.RunAsync(Pin, "confirm", action.Question, "--json");
        var paid = await cli.RunAsync(Pin, "pay", payment.Question, "--payee", "123456789012", "--amount", "12.5", "--currency", "usd");

        Assert.True(confirmed.ExitCode == 0, confirmed.Error);
        Assert.Equal("success", await VerifyAsync(shop, action, confirmed.Json.GetProperty("answer").GetString()!));
        Assert.True(paid.ExitCode == 0, paid.Error);
        Assert.Equal("Confirming: pay 12.50 USD to 123456789012", paid.Output.Split('\n')[0]);
        Assert.Equal("success", await VerifyAsync(shop, payment, paid.Output.Split('\n')[1]));
    }

    [Fact]
    public async Task A_payment_answer_made_for_other_details_is_wrong()
    {
        var (_, cli) = await ActivatedAsync();
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        var payment = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123", Amount: "12.50", Currency: "USD"));

        var paid = await cli.RunAsync(Pin, "pay", payment.Question, "--payee", "1230", "--amount", "12.5", "--currency", "USD", "--json");

        Assert.Equal("wrong", await VerifyAsync(shop, payment, paid.Json.GetProperty("answer").GetString()!));
    }

    [Fact]
    public async Task The_CLI_reads_a_QR_payload_shows_it_verified_and_answers_it()
    {
        var (_, cli) = await ActivatedAsync();
        using var shop = await Journeys.RelyingPartyClientAsync(_factory, "DemoShop");
        var payment = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123456789012", Amount: "12.5", Currency: "USD"));

        var paid = await cli.RunAsync(Pin, "pay", "--qr", payment.QrPayload, "--json");

        Assert.True(paid.ExitCode == 0, paid.Error);
        Assert.Equal("Verified: pay 12.50 USD to 123456789012 at DemoShop", paid.Json.GetProperty("verified").GetString());
        Assert.Equal("success", await VerifyAsync(shop, payment, paid.Json.GetProperty("answer").GetString()!));
    }

    [Fact]
    public async Task The_CLI_reads_the_QR_code_from_a_PNG()
    {
        var (_, cli) = await ActivatedAsync();
        using var shop = await Journeys.RelyingPartyClientAsync(_factory, "DemoShop");
        var login = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Login));
        var png = Path.Combine(_home, "qr.png");
        await File.WriteAllBytesAsync(png, await shop.GetByteArrayAsync($"/api/v1/challenges/{login.ChallengeId}/qr.png"));

        var answered = await cli.RunAsync(Pin, "answer", "--qr", png);

        Assert.True(answered.ExitCode == 0, answered.Error);
        var lines = answered.Output.Split('\n');
        Assert.Equal("Verified: log in at DemoShop", lines[0]);
        Assert.Equal("success", await VerifyAsync(shop, login, lines[1]));
    }

    [Fact]
    public async Task The_CLI_refuses_a_tampered_expired_or_misdirected_QR_payload()
    {
        var (_, cli) = await ActivatedAsync();
        using var shop = await Journeys.RelyingPartyClientAsync(_factory, "DemoShop");
        var payment = await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Payment, Payee: "123456789012", Amount: "12.50", Currency: "USD"));
        var text = payment.QrPayload;

        var tampered = await cli.RunAsync(Pin, "pay", "--qr", text.Replace("amt=12.50", "amt=1250.00", StringComparison.Ordinal), "--json");
        var wrongCommand = await cli.RunAsync(Pin, "answer", "--qr", text, "--json");
        _factory.Time.Offset = TimeSpan.FromMinutes(-10); // the server issues a request that, by the pad's clock, expired long ago
        var stale = (await shop.CreateChallengeAsync(new CreateChallengeRequest("ann@example.com", ChallengePurposes.Login))).QrPayload;
        var expired = await cli.RunAsync(Pin, "answer", "--qr", stale, "--json");

        Assert.Equal(1, tampered.ExitCode);
        Assert.Equal("tampered", tampered.Json.GetProperty("error").GetString());
        Assert.False(tampered.Json.TryGetProperty("answer", out _));
        Assert.Equal("wrong-purpose", wrongCommand.Json.GetProperty("error").GetString());
        Assert.Contains("cipherpad pay --qr", wrongCommand.Error, StringComparison.Ordinal);
        Assert.Equal("expired", expired.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task After_activation_the_CLI_needs_no_network()
    {
        var (_, cli) = await ActivatedAsync();
        _factory.Dispose(); // the server is gone

        var answered = await cli.RunAsync(Pin, "answer", "12345678", "--json");

        Assert.Equal(0, answered.ExitCode);
        Assert.Matches("^[0-9]{8}$", answered.Json.GetProperty("answer").GetString()!);
    }

    [Fact]
    public async Task Wrong_PINs_are_counted_across_runs_and_the_pad_erases_itself_at_the_limit()
    {
        var (_, cli) = await ActivatedAsync();
        Assert.Equal(0, (await cli.RunAsync(Pin, "settings", "--auto-deactivate", "3")).ExitCode);

        var first = await cli.RunAsync("000000", "answer", "12345678");
        var second = await cli.RunAsync("000000", "answer", "12345678", "--json");
        var third = await cli.RunAsync("000000", "answer", "12345678");
        var afterwards = await cli.RunAsync(Pin, "answer", "12345678");

        Assert.Equal(3, first.ExitCode);
        Assert.Contains("2 more wrong PIN", first.Error, StringComparison.Ordinal);
        Assert.Equal("wrong-pin", second.Json.GetProperty("error").GetString());
        Assert.Equal(4, third.ExitCode);
        Assert.Contains("erased itself", third.Error, StringComparison.Ordinal);
        Assert.Equal(1, afterwards.ExitCode);
        Assert.Contains("not activated", afterwards.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_right_PIN_resets_the_wrong_PIN_count()
    {
        var (_, cli) = await ActivatedAsync();
        Assert.Equal(0, (await cli.RunAsync(Pin, "settings", "--auto-deactivate", "3")).ExitCode);
        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(3, (await cli.RunAsync("000000", "answer", "12345678")).ExitCode);
            Assert.Equal(3, (await cli.RunAsync("000000", "answer", "12345678")).ExitCode);
            Assert.Equal(0, (await cli.RunAsync(Pin, "answer", "12345678")).ExitCode);
        }
    }

    [Fact]
    public async Task The_PIN_can_be_changed_and_read_from_standard_input()
    {
        var (_, cli) = await ActivatedAsync();

        var changed = await cli.RunWithInputAsync(null, $"{Pin}\n135792\n", "pin", "--pin-stdin");
        var oldPin = await cli.RunAsync(Pin, "answer", "12345678");
        var newPin = await cli.RunWithInputAsync(null, "135792\n", "answer", "12345678", "--pin-stdin");

        Assert.True(changed.ExitCode == 0, changed.Error);
        Assert.Equal(3, oldPin.ExitCode);
        Assert.Equal(0, newPin.ExitCode);
    }

    [Fact]
    public async Task Several_accounts_live_on_one_pad_and_are_chosen_with_account()
    {
        var (server, cli) = await ActivatedAsync("ann@example.com");
        using var browser = _factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(_factory, browser, "bob@example.com");
        Assert.Equal(0, (await cli.RunAsync(Pin, "activate", "--server", server.ToString(), "--email", "bob@example.com", "--code", code)).ExitCode);

        var accounts = await cli.RunAsync(Pin, "accounts", "--json");
        var ambiguous = await cli.RunAsync(Pin, "answer", "12345678");
        var ann = await cli.RunAsync(Pin, "answer", "12345678", "--account", "ann@example.com", "--json");
        var bob = await cli.RunAsync(Pin, "answer", "12345678", "--account", "bob@example.com", "--json");

        Assert.Equal(["ann@example.com", "bob@example.com"], accounts.Json.EnumerateArray().Select(a => a.GetProperty("email").GetString()!).Order().ToArray());
        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("--account", ambiguous.Error, StringComparison.Ordinal);
        Assert.NotEqual(ann.Json.GetProperty("answer").GetString(), bob.Json.GetProperty("answer").GetString());

        var erased = await cli.RunAsync(Pin, "deactivate", "--account", "bob@example.com");
        Assert.Equal(0, erased.ExitCode);
        Assert.Single((await cli.RunAsync(Pin, "accounts", "--json")).Json.EnumerateArray());
    }

    [Fact]
    public async Task An_address_with_a_capital_outside_ascii_is_activated_and_chosen_as_the_server_stores_it()
    {
        var server = _factory.StartOnLoopback();
        using var browser = _factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(_factory, browser, "Ärger.Ann@Example.COM");
        var cli = new Cli(_home);

        var activated = await cli.RunAsync(Pin, "activate", "--server", server.ToString(), "--email", " Ärger.Ann@Example.COM", "--code", code, "--json");
        using var shop = await Journeys.RelyingPartyClientAsync(_factory);
        var challenge = await shop.CreateChallengeAsync(new CreateChallengeRequest("Ärger.ann@example.com"));
        var answered = await cli.RunAsync(Pin, "answer", challenge.Question, "--account", "Ärger.ANN@EXAMPLE.com", "--json");

        Assert.True(activated.ExitCode == 0, activated.Error);
        Assert.Equal("Ärger.ann@example.com", activated.Json.GetProperty("activated").GetString()); // only A–Z lowercased, as docs/protocol.md §6 says
        Assert.True(answered.ExitCode == 0, answered.Error);
        var verdict = await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answered.Json.GetProperty("answer").GetString()!));
        Assert.Equal(VerifyResults.Success, verdict.Result);
    }

    [Fact]
    public async Task Settings_change_how_answers_are_shown()
    {
        var (_, cli) = await ActivatedAsync();
        Assert.Matches("^[0-9]{4} [0-9]{4}$", (await cli.RunAsync(Pin, "answer", "12345678")).Output);
        Assert.Equal(0, (await cli.RunAsync(Pin, "settings", "--grouped", "false")).ExitCode);
        Assert.Matches("^[0-9]{8}$", (await cli.RunAsync(Pin, "answer", "12345678")).Output);
        var settings = (await cli.RunAsync(Pin, "settings", "--json")).Json;
        Assert.False(settings.GetProperty("grouped").GetBoolean());
        Assert.False(settings.GetProperty("paranoid").GetBoolean());
    }

    [Fact]
    public async Task Paranoid_mode_wants_the_PIN_entered_for_every_answer()
    {
        var (_, cli) = await ActivatedAsync();
        Assert.Equal(0, (await cli.RunAsync(Pin, "settings", "--paranoid", "true")).ExitCode);

        var fromEnvironment = await cli.RunAsync(Pin, "answer", "12345678", "--json");
        var entered = await cli.RunWithInputAsync(null, Pin + "\n", "answer", "12345678", "--pin-stdin", "--json");
        var accounts = await cli.RunAsync(Pin, "accounts", "--json");

        Assert.Equal("paranoid", fromEnvironment.Json.GetProperty("error").GetString());
        Assert.Equal(0, entered.ExitCode);
        Assert.Matches("^[0-9]{8}$", entered.Json.GetProperty("answer").GetString()!);
        Assert.Equal(0, accounts.ExitCode);
    }

    [Fact]
    public async Task A_wrong_activation_code_is_reported_and_nothing_is_stored()
    {
        var server = _factory.StartOnLoopback();
        using var browser = _factory.Browser();
        var code = await Journeys.RegisterAndReceiveActivationCodeAsync(_factory, browser, "ann@example.com");
        var wrong = code[..^1] + (char)('0' + ((code[^1] - '0' + 1) % 10));
        var cli = new Cli(_home);

        var run = await cli.RunAsync(Pin, "activate", "--server", server.ToString(), "--email", "ann@example.com", "--code", wrong, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("wrong-code", run.Json.GetProperty("error").GetString());
        Assert.Contains("4 attempt(s) left", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_home, "pad.json")), "a pad whose activation failed keeps no PIN and no file");
        var retried = await cli.RunAsync("135792", "activate", "--server", server.ToString(), "--email", "ann@example.com", "--code", code, "--json");
        Assert.True(retried.ExitCode == 0, retried.Error);
        Assert.Equal(0, (await cli.RunAsync("135792", "accounts")).ExitCode);
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_message()
    {
        var cli = new Cli(_home);
        var notActivated = await cli.RunAsync(Pin, "answer", "12345678");
        var badQuestion = await cli.RunAsync(Pin, "answer", "12ab5678");
        var badCode = await cli.RunAsync(Pin, "activate", "--server", "http://127.0.0.1:1", "--email", "a@example.com", "--code", "123");
        var unreachable = await cli.RunAsync(Pin, "activate", "--server", "http://127.0.0.1:1", "--email", "a@example.com", "--code", "1234-5678-9012");

        Assert.Contains("not activated", notActivated.Error, StringComparison.Ordinal);
        Assert.Equal(2, badQuestion.ExitCode);
        Assert.Contains("6 to 64 digits", badQuestion.Error, StringComparison.Ordinal);
        Assert.Equal(2, badCode.ExitCode);
        Assert.Contains("12 digits", badCode.Error, StringComparison.Ordinal);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("Cannot reach the server", unreachable.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_home, "pad.json")), "an activation that failed saves no PIN");
    }

    [Fact]
    public async Task A_weak_PIN_is_refused_before_the_activation_code_is_sent()
    {
        var cli = new Cli(_home);

        var run = await cli.RunAsync("1234", "activate", "--server", "http://127.0.0.1:1", "--email", "a@example.com", "--code", "1234-5678-9012", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("weak-pin", run.Json.GetProperty("error").GetString());
        Assert.Contains("at least 6", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_home, "pad.json")));
    }

    [Fact]
    public async Task The_pad_file_holds_no_secret_in_clear()
    {
        await ActivatedAsync();
        var file = await File.ReadAllTextAsync(Path.Combine(_home, "pad.json"));
        Assert.DoesNotContain("ann@example.com", file, StringComparison.Ordinal);
        Assert.DoesNotContain("deviceSecret", file, StringComparison.Ordinal);
        Assert.Contains("PBKDF2-SHA256", file, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_home, "pad.json")));
        }
    }
}
