using System.Buffers.Text;
using System.Net.Http.Json;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Contracts.Vault;
using Cipherpad.Core.Answers;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.Operations;

/// <summary>
/// The server's logs, at every level of its own code and as shipped for the rest, and its traces as a collector receives
/// them over OTLP, through the journeys that handle secrets: none of them holds a code, an answer, a key, a token or a
/// full phone number.
/// </summary>
public sealed class LogSecretsTests
{
    [Fact]
    public async Task No_secret_a_journey_handles_reaches_the_logs_or_the_traces()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null,
            settings: new Dictionary<string, string>(collector.ServerSettings) { ["Logging:LogLevel:Cipherpad"] = "Trace" });
        var log = factory.ServerLog;
        var secrets = new Dictionary<string, string> { ["the master key"] = factory.MasterKey, ["the security answer"] = "Grandma's blue teapot" };
        void Keep(string what, byte[] bytes)
        {
            secrets[what + " (base64)"] = Convert.ToBase64String(bytes);
            secrets[what + " (base64url)"] = Base64Url.EncodeToString(bytes);
            secrets[what + " (hex)"] = Convert.ToHexString(bytes);
        }

        // Registration by e-mail link and SMS, activation by key agreement.
        var pad = await PadApi.RegisterAndActivateAsync(factory, "ann@example.com");
        Keep("the device secret", pad.Secret);
        secrets["the activation code"] = Journeys.LatestActivationCode(factory);
        secrets["the e-mail confirmation token"] = Journeys.ConfirmationLink(Journeys.EmailsTo(factory, "ann@example.com")
            .Select(mail => mail.TextBody ?? "").First(body => body.Contains("/confirm-email?token=", StringComparison.Ordinal))).Split("token=")[1];
        secrets["the phone number"] = Journeys.Phone;
        secrets["the phone number's digits"] = Journeys.Phone.Replace(" ", "", StringComparison.Ordinal);

        // A relying party's login: a wrong answer, then the right one.
        using var shop = await Journeys.RelyingPartyClientAsync(factory);
        secrets["the relying party's secret"] = Journeys.CredentialsOf(shop).ClientSecret;
        using (var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("ann@example.com")))
        {
            var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
            var answer = Journeys.AnswerWith(factory, pad.Secret, Purpose.Login, challenge.Question);
            secrets["a right answer"] = answer;
            Assert.Equal("wrong", (await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer[..^1] + (answer[^1] == '0' ? '1' : '0')))).Result);
            Assert.Equal("success", (await shop.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer))).Result);
        }

        // The personal account's sign-in.
        using (var browser = factory.Browser())
        {
            await Journeys.SignInAsync(factory, browser, "ann@example.com", pad.Secret);
        }

        // The key vault: a stored file, its release and ticket.
        var keyFile = System.Security.Cryptography.RandomNumberGenerator.GetBytes(64);
        Keep("a key file", keyFile);
        using (await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/items", new StoreVaultItemRequest("wallet.kwm", Base64Url.EncodeToString(keyFile))))
        using (var asked = await PadApi.SendAsync(factory, pad, HttpMethod.Post, "/api/v1/pad/vault/releases", new VaultItemReference("wallet.kwm")))
        {
            var release = (await asked.Content.ReadFromJsonAsync<VaultReleaseResponse>())!;
            using var answered = await PadApi.SendAsync(factory, pad, HttpMethod.Post, $"/api/v1/pad/vault/releases/{release.ReleaseId}/answer",
                new VaultReleaseAnswer(PadApi.AnswerPayload(factory, pad, release.QrPayload)));
            var ticket = (await answered.Content.ReadFromJsonAsync<VaultTicketResponse>())!.Ticket;
            secrets["a vault ticket"] = ticket;
            using var fetched = await factory.CreateClient().PostAsJsonAsync("/api/v1/vault/tickets", new VaultTicketRequest(ticket));
            Assert.True(fetched.IsSuccessStatusCode);
        }
        await factory.SendOutboxAsync();

        var entries = log.All().ToList();
        Assert.NotEmpty(entries);
        var leaks = (from entry in entries
                     from secret in secrets
                     where entry.Message.Contains(secret.Value, StringComparison.OrdinalIgnoreCase)
                     select $"{secret.Key} in a {entry.Level} message of {entry.Category}").Distinct().ToList();
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));

        var traces = collector.TextOnceSentBy(factory.Services);
        // What the traces tell: the requests by route, the questions and answers by result, the messages sent.
        Assert.Contains("api/v1/challenges/{id:guid}/verify", traces, StringComparison.Ordinal);
        Assert.Contains("cipherpad.authorization", traces, StringComparison.Ordinal);
        Assert.Contains("cipherpad.question.issued", traces, StringComparison.Ordinal);
        Assert.Contains("outbox send", traces, StringComparison.Ordinal);
        var traceLeaks = secrets.Where(secret => traces.Contains(secret.Value, StringComparison.OrdinalIgnoreCase)).Select(secret => secret.Key).ToList();
        Assert.True(traceLeaks.Count == 0, "in the traces: " + string.Join(", ", traceLeaks));
    }
}

/// <summary>The traces of a server on PostgreSQL: its statements, never their values.</summary>
[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresTraceTests(PostgresServer postgres)
{
    [Fact]
    public async Task On_postgresql_a_login_s_trace_has_its_statements_without_their_values()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        using var factory = new CipherpadFactory(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync(), settings: collector.ServerSettings);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var shop = await Journeys.RelyingPartyClientAsync(factory);

        Assert.Equal("success", await Journeys.LogInAtRelyingPartyAsync(factory, shop, "ann@example.com", pad, "198.51.100.30"));

        var traces = collector.TextOnceSentBy(factory.Services);
        Assert.Contains("postgresql", traces, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO \"AuthorizationLog\"", traces, StringComparison.Ordinal);
        Assert.DoesNotContain("ann@example.com", traces, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("198.51.100.30", traces, StringComparison.Ordinal);
    }
}
