using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Contracts.Activations;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Tests;

/// <summary>Settings validated at start, and the per-relying-party and per-address request limits.</summary>
public sealed class StartupAndLimitTests
{
    [Theory]
    [InlineData("Cipherpad:Challenges:QuestionLength", "3", "QuestionLength")]
    [InlineData("Cipherpad:Challenges:MaxWrongAnswers", "0", "MaxWrongAnswers")]
    [InlineData("Cipherpad:Sms:PaymentFees:USD", "-1", "PaymentFees")]
    [InlineData("Cipherpad:Database:Provider", "PostgreSql", "ConnectionString is required")]
    [InlineData("Cipherpad:Database:ConnectionString", "Data Sourc=/srv/cipherpad.db", "Cipherpad:Database:ConnectionString is not a SQLite connection string")]
    [InlineData("Cipherpad:MasterKey:Value", "c2hvcnQ=", "not 32 bytes")]
    [InlineData("Cipherpad:Pruning:KeepExpiredFor", "01:00:00", "Cipherpad:Pruning:KeepExpiredFor")]
    public void A_bad_setting_stops_the_server_with_a_message_naming_it(string key, string value, string expected)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string> { [key] = value });

        var exception = Assert.ThrowsAny<Exception>(() => factory.Services.GetService(typeof(Server.Security.SecretProtector)));

        var messages = string.Join(" | ", Flatten(exception).Select(e => e.Message));
        Assert.Contains(expected, messages, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgresql_address_in_url_form_stops_the_server_with_a_message_naming_the_setting_but_not_the_password()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:Database:Provider"] = "PostgreSql",
            ["Cipherpad:Database:ConnectionString"] = "postgres://cipherpad:s3cret@db/cipherpad",
        });

        var exception = Assert.ThrowsAny<Exception>(() => factory.Services.GetService(typeof(Server.Security.SecretProtector)));

        var messages = string.Join(" | ", Flatten(exception).Select(e => e.Message));
        Assert.Contains("Cipherpad:Database:ConnectionString is not a PostgreSQL connection string", messages, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_development_the_server_refuses_to_start_without_a_master_key()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, "Production", new Dictionary<string, string> { ["Cipherpad:MasterKey:Value"] = "" });

        var exception = Assert.ThrowsAny<OptionsValidationException>(() => factory.Services.GetService(typeof(Server.Security.SecretProtector)));

        Assert.Contains("No master key: set CIPHERPAD_MASTER_KEY", exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(factory.DataDirectory, "master.key")));
    }

    [Fact]
    public void Outside_development_the_server_refuses_the_key_a_development_run_left_in_the_data_directory()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, "Production", new Dictionary<string, string> { ["Cipherpad:MasterKey:Value"] = "" });
        File.WriteAllText(Path.Combine(factory.DataDirectory, "master.key"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var exception = Assert.ThrowsAny<OptionsValidationException>(() => factory.Services.GetService(typeof(Server.Security.SecretProtector)));

        Assert.Contains("the key a Development run made for itself, and it is not used outside Development", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Cipherpad:MasterKey:File", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_development_a_key_file_named_in_the_settings_is_used()
    {
        var keyFile = Path.Combine(Path.GetTempPath(), "cipherpad-key-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        try
        {
            using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, "Production",
                new Dictionary<string, string> { ["Cipherpad:MasterKey:Value"] = "", ["Cipherpad:MasterKey:File"] = keyFile });

            Assert.NotNull(factory.Services.GetService(typeof(Server.Security.SecretProtector)));
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public void In_development_a_missing_master_key_is_generated_once_into_the_data_directory()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, "Development", new Dictionary<string, string> { ["Cipherpad:MasterKey:Value"] = "" });

        _ = factory.Services.GetService(typeof(Server.Security.SecretProtector));

        var file = Path.Combine(factory.DataDirectory, "master.key");
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(file)).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task A_relying_party_over_its_request_limit_gets_429_while_another_is_served()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:RateLimits:RelyingPartyPerMinute"] = "5",
        });
        factory.Time.Stop(); // the limits' windows are aligned on the minute: the requests must not straddle one
        using var busy = await Journeys.RelyingPartyClientAsync(factory, "Busy Shop");
        using var calm = await Journeys.RelyingPartyClientAsync(factory, "Calm Shop");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await busy.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"))).StatusCode);
        }
        var limited = await busy.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"));

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.NotFound, 5).Append(HttpStatusCode.TooManyRequests), statuses);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.NotFound, (await calm.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"))).StatusCode);
    }

    [Fact]
    public async Task Wrong_secrets_for_a_relying_partys_client_id_cannot_use_up_its_limit_and_are_limited_themselves()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:RateLimits:RelyingPartyPerMinute"] = "10",
            ["Cipherpad:RateLimits:AddressPerMinute"] = "20",
        });
        factory.Time.Stop(); // the limits' windows are aligned on the minute: the requests must not straddle one
        using var shop = await Journeys.RelyingPartyClientAsync(factory, "Shop");
        var clientId = Journeys.CredentialsOf(shop).ClientId;
        using var attacker = factory.CreateClient();

        async Task<HttpStatusCode> AttackAsync(string id)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/challenges") { Content = JsonContent.Create(new CreateChallengeRequest("a@example.com")) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:wrong-secret")));
            return (await attacker.SendAsync(request)).StatusCode;
        }
        var withItsId = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            withItsId.Add(await AttackAsync(clientId));
        }
        var withUnknownIds = await AttackAsync("rp_unknown_" + Guid.NewGuid().ToString("N"));
        var shopAfterwards = (await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"))).StatusCode;

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 20).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 80)), withItsId);
        Assert.Equal(HttpStatusCode.TooManyRequests, withUnknownIds);
        Assert.Equal(HttpStatusCode.NotFound, shopAfterwards); // served: "nobody" has no account
    }

    [Fact]
    public async Task An_address_over_its_request_limit_gets_429()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:RateLimits:AddressPerMinute"] = "3",
        });
        factory.Time.Stop(); // the limit's window is aligned on the minute: the four requests must not straddle one
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/activations", new StartActivationRequest("ann@example.com"))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
