using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cipherpad.Contracts.Activations;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Activation;
using Cipherpad.Server.RelyingParties;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Cipherpad.Testing;

/// <summary>What a person and a cipher pad do, step by step, through the server's real pages and API.</summary>
public static partial class Journeys
{
    public const string Phone = "+49 170 1234567";

    public static async Task<HttpResponseMessage> SubmitRegistrationAsync(HttpClient browser, string email, string phone = Phone,
        string securityAnswer = "Grandma's blue teapot", string? humanCheck = null)
    {
        var page = await browser.GetStringAsync("/register");
        return await browser.PostAsync("/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["FirstName"] = "Ann",
            ["LastName"] = "Example",
            ["Email"] = email,
            ["Phone"] = phone,
            ["SecurityQuestion"] = "What was on my grandmother's shelf?",
            ["SecurityAnswer"] = securityAnswer,
            ["HumanCheck"] = humanCheck ?? SolveHumanCheck(page),
            ["Website"] = "",
        }));
    }

    /// <summary>Register, confirm the e-mail, choose methods; returns the activation code from the SMS outbox.</summary>
    public static async Task<string> RegisterAndReceiveActivationCodeAsync(CipherpadFactory factory, HttpClient browser, string email, bool sms = false)
    {
        var registered = await SubmitRegistrationAsync(browser, email);
        Assert.True(registered.StatusCode == HttpStatusCode.Redirect,
            "registration failed: " + string.Join(" | ", Regex.Matches(await registered.Content.ReadAsStringAsync(), "class=\"error\"[^>]*>([^<]*)<").Select(m => m.Groups[1].Value)));
        var link = ConfirmationLink(LatestEmailTo(factory, email).TextBody ?? "");
        var confirmPage = await browser.GetStringAsync(link);
        Assert.Contains("Your e-mail is confirmed", confirmPage, StringComparison.Ordinal);
        var methods = await browser.PostAsync("/confirm-email", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(confirmPage),
            ["Ticket"] = HiddenValue(confirmPage, "Ticket"),
            ["App"] = "true",
            ["Sms"] = sms ? "true" : "false",
        }));
        Assert.Contains("Activation code sent", await methods.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        return LatestActivationCode(factory);
    }

    /// <summary>What the cipher pad does: the key agreement of docs/protocol.md §6 over the server's API.</summary>
    public static async Task<(HttpResponseMessage Response, byte[]? DeviceSecret)> ActivateAsync(HttpClient api, string email, string code,
        string deviceName = "test pad")
    {
        var start = await api.PostAsJsonAsync("/api/v1/activations", new StartActivationRequest(email));
        start.EnsureSuccessStatusCode();
        var started = (await start.Content.ReadFromJsonAsync<StartActivationResponse>())!;
        using var client = ActivationClient.Begin(email, started.ActivationId, code, Base64Url.DecodeFromChars(started.ServerPublicKey))!;
        var finish = await api.PostAsJsonAsync($"/api/v1/activations/{started.ActivationId}/finish", new FinishActivationRequest(email,
            Base64Url.EncodeToString(client.ClientPublicKey), Base64Url.EncodeToString(client.ClientConfirmation), deviceName));
        if (!finish.IsSuccessStatusCode)
        {
            return (finish, null);
        }
        var finished = (await finish.Content.ReadFromJsonAsync<FinishActivationResponse>())!;
        var secret = client.Finish(Base64Url.DecodeFromChars(finished.ServerConfirmation));
        Assert.NotNull(secret);
        return (finish, secret);
    }

    public static async Task<byte[]> RegisterAndActivateAsync(CipherpadFactory factory, string email, bool sms = false)
    {
        using var browser = factory.Browser();
        var code = await RegisterAndReceiveActivationCodeAsync(factory, browser, email, sms);
        var (response, secret) = await ActivateAsync(factory.CreateClient(), email, code);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return secret!;
    }

    public static async Task<HttpClient> RelyingPartyClientAsync(CipherpadFactory factory, string name = "Demo Shop")
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var credentials = await scope.ServiceProvider.GetRequiredService<RelyingPartyService>().AddAsync(name);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credentials.ClientId}:{credentials.ClientSecret}")));
        return client;
    }

    /// <summary>
    /// A whole login at a relying party, as the site and the user's cipher pad do it: create a login question, answer it
    /// with <paramref name="deviceSecret"/>, verify. Returns the verify result, or "no active cipher pad" when the site
    /// cannot even get a question.
    /// </summary>
    public static async Task<string> LogInAtRelyingPartyAsync(CipherpadFactory factory, HttpClient relyingParty, string login, byte[] deviceSecret,
        string? userIp = null)
    {
        var created = await relyingParty.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest(login));
        if (created.StatusCode == HttpStatusCode.NotFound)
        {
            return "no active cipher pad";
        }
        var challenge = (await created.Content.ReadFromJsonAsync<ChallengeResponse>())!;
        using var keys = new Core.Answers.DeviceKeys(deviceSecret);
        var answer = Core.Answers.Answer.Compute(keys, Core.Answers.Purpose.Login, challenge.Question, factory.Time.GetUtcNow());
        return (await relyingParty.VerifyAsync(challenge.ChallengeId, new VerifyRequest(answer, UserIp: userIp))).Result;
    }

    /// <summary>Asks the sign-in page for a question; returns the page that shows it.</summary>
    public static async Task<string> StartSignInAsync(HttpClient browser, string email)
    {
        var signIn = await browser.GetStringAsync("/signin");
        return await (await browser.PostAsync("/signin?handler=Start", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(signIn),
            ["Email"] = email,
        }))).Content.ReadAsStringAsync();
    }

    /// <summary>Types <paramref name="answer"/> into the question page of <see cref="StartSignInAsync"/>.</summary>
    public static Task<HttpResponseMessage> AnswerSignInAsync(HttpClient browser, string questionPage, string answer) =>
        browser.PostAsync("/signin?handler=Answer", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(questionPage),
            ["ChallengeId"] = HiddenValue(questionPage, "ChallengeId"),
            ["Answer"] = answer,
        }));

    /// <summary>Signs in to the personal account with a login question answered by the cipher pad with <paramref name="deviceSecret"/>.</summary>
    public static async Task SignInAsync(CipherpadFactory factory, HttpClient browser, string email, byte[] deviceSecret)
    {
        var questionPage = await StartSignInAsync(browser, email);
        using var keys = new Core.Answers.DeviceKeys(deviceSecret);
        var answer = Core.Answers.Answer.Compute(keys, Core.Answers.Purpose.Login, QuestionOn(questionPage), factory.Time.GetUtcNow());
        Assert.Equal(HttpStatusCode.Redirect, (await AnswerSignInAsync(browser, questionPage, answer)).StatusCode);
    }

    /// <summary>The human check's challenge on <paramref name="page"/>, as the page hands it to its script.</summary>
    public static (string Algorithm, string Challenge, int MaxNumber, string Salt, string Signature) HumanCheckOn(string page)
    {
        string Data(string name)
        {
            var match = Regex.Match(page, $"data-{name}=\"([^\"]*)\"");
            Assert.True(match.Success, $"the page carries the human check's {name}");
            return WebUtility.HtmlDecode(match.Groups[1].Value);
        }
        return (Data("algorithm"), Data("challenge"), int.Parse(Data("max-number"), System.Globalization.CultureInfo.InvariantCulture), Data("salt"),
            Data("signature"));
    }

    /// <summary>What the page's script does: the form's HumanCheck field for the challenge on <paramref name="page"/>.</summary>
    public static string SolveHumanCheck(string page)
    {
        var (algorithm, challenge, maxNumber, salt, signature) = HumanCheckOn(page);
        var number = FindHumanCheckNumber(salt, challenge, maxNumber);
        Assert.True(number is not null, "the human check has a number in its range");
        return HumanCheckSolution(algorithm, challenge, number.Value, salt, signature);
    }

    /// <summary>The field's value: the challenge with the number found, as the script writes it.</summary>
    public static string HumanCheckSolution(string algorithm, string challenge, long number, string salt, string signature) =>
        JsonSerializer.Serialize(new { algorithm, challenge, number, salt, signature });

    /// <summary>Brute force, as the browser does: the first number from 0 with SHA-256(salt + number) = challenge, or null.</summary>
    public static long? FindHumanCheckNumber(string salt, string challenge, int maxNumber)
    {
        for (long number = 0; number <= maxNumber; number++)
        {
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(salt + number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (string.Equals(Convert.ToHexStringLower(hash), challenge, StringComparison.Ordinal))
            {
                return number;
            }
        }
        return null;
    }

    /// <summary>Posts a form of an account page, then confirms the change it asks for with the cipher pad's action answer.</summary>
    public static async Task<string> ChangeAccountAsync(CipherpadFactory factory, HttpClient browser, string page, string handler,
        Dictionary<string, string> fields, byte[]? deviceSecret, Core.Answers.Purpose answerPurpose = Core.Answers.Purpose.Action)
    {
        var form = await browser.GetStringAsync(page);
        fields["__RequestVerificationToken"] = AntiforgeryToken(form);
        var requested = await browser.PostAsync(handler.Length == 0 ? page : $"{page}?handler={handler}", new FormUrlEncodedContent(fields));
        if (requested.StatusCode != HttpStatusCode.Redirect)
        {
            return WebUtility.HtmlDecode(await requested.Content.ReadAsStringAsync());
        }
        var confirmUrl = requested.Headers.Location!.OriginalString;
        var confirmPage = await browser.GetStringAsync(confirmUrl);
        if (deviceSecret is null)
        {
            return WebUtility.HtmlDecode(confirmPage);
        }
        using var keys = new Core.Answers.DeviceKeys(deviceSecret);
        var answer = Core.Answers.Answer.Compute(keys, answerPurpose, QuestionOn(confirmPage), factory.Time.GetUtcNow());
        var confirmed = await browser.PostAsync(confirmUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(confirmPage),
            ["Answer"] = answer,
        }));
        return WebUtility.HtmlDecode(await confirmed.Content.ReadAsStringAsync());
    }

    public static string QuestionOn(string page)
    {
        var match = Regex.Match(page, "id=\"question\">([0-9]+)<");
        Assert.True(match.Success, "the page shows a question");
        return match.Groups[1].Value;
    }

    public static MimeMessage LatestEmailTo(CipherpadFactory factory, string email)
    {
        factory.SendOutbox();
        var outbox = Path.Combine(factory.DataDirectory, "outbox", "email");
        var messages = Directory.GetFiles(outbox, "*.eml").OrderByDescending(f => f, StringComparer.Ordinal).Select(file => MimeMessage.Load(file));
        return messages.First(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The texts of the SMS in the outbox, oldest first.</summary>
    public static List<string> SmsTexts(CipherpadFactory factory)
    {
        factory.SendOutbox();
        var outbox = Path.Combine(factory.DataDirectory, "outbox", "sms");
        return Directory.GetFiles(outbox, "*.json").Order(StringComparer.Ordinal)
            .Select(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("text").GetString()!).ToList();
    }

    public static string LatestActivationCode(CipherpadFactory factory)
    {
        factory.SendOutbox();
        var outbox = Path.Combine(factory.DataDirectory, "outbox", "sms");
        var newest = Directory.GetFiles(outbox, "*.json").OrderByDescending(f => f, StringComparer.Ordinal).First();
        using var sms = JsonDocument.Parse(File.ReadAllText(newest));
        var match = ActivationCodeText().Match(sms.RootElement.GetProperty("text").GetString()!);
        Assert.True(match.Success, "the SMS carries an activation code");
        return match.Value;
    }

    public static string ConfirmationLink(string body)
    {
        var match = ConfirmationUrl().Match(body);
        Assert.True(match.Success, "the e-mail carries a confirmation link");
        return new Uri(match.Value).PathAndQuery;
    }

    public static string AntiforgeryToken(string page) => HiddenValue(page, "__RequestVerificationToken");

    public static string HiddenValue(string page, string name)
    {
        var match = Regex.Match(page, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"");
        Assert.True(match.Success, $"the page has a hidden {name}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex(@"\d{4}-\d{4}-\d{4}")]
    private static partial Regex ActivationCodeText();

    [GeneratedRegex(@"http://localhost/confirm-email\?token=[A-Za-z0-9_-]+")]
    private static partial Regex ConfirmationUrl();
}
