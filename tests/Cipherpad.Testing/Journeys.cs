using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cipherpad.Contracts.Activations;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Core.Activation;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Testing.Pages;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Cipherpad.Testing;

/// <summary>What a person and a cipher pad do, step by step, through the server's real pages and API.</summary>
public static partial class Journeys
{
    public const string Phone = "+49 170 1234567";

    /// <summary>Fills in the registration form as Ann and submits it; a success redirects, a refusal shows the form again.</summary>
    public static async Task<HttpResponseMessage> SubmitRegistrationAsync(HttpClient browser, string email, string phone = Phone,
        string securityAnswer = "Grandma's blue teapot", string? humanCheck = null) =>
        await (await RegisterPage.OpenAsync(browser)).RegisterAsync(email, phone, securityAnswer, humanCheck);

    /// <summary>Opens the confirmation link of the registration mail to <paramref name="email"/>.</summary>
    public static async Task<ConfirmEmailPage> ConfirmEmailAsync(CipherpadFactory factory, HttpClient browser, string email)
    {
        var page = await ConfirmEmailPage.OpenAsync(browser, ConfirmationLink(LatestEmailTo(factory, email).TextBody ?? ""));
        Assert.True(page.Confirmed, "the e-mail is confirmed");
        return page;
    }

    /// <summary>Register, confirm the e-mail, choose methods; returns the activation code from the SMS outbox.</summary>
    public static async Task<string> RegisterAndReceiveActivationCodeAsync(CipherpadFactory factory, HttpClient browser, string email, bool sms = false)
    {
        using var registered = await SubmitRegistrationAsync(browser, email);
        Assert.True(registered.StatusCode == HttpStatusCode.Redirect,
            "registration failed: " + string.Join(" | ", (await HtmlPage.FromAsync(browser, registered)).Problems));
        var chosen = await (await ConfirmEmailAsync(factory, browser, email)).ChooseMethodsAsync(app: true, sms: sms);
        Assert.True(chosen.CodeSent, "the page says the activation code was sent");
        return LatestActivationCode(factory);
    }

    /// <summary>What the cipher pad does: the key agreement of docs/protocol.md §6 over the server's API.</summary>
    public static async Task<(HttpResponseMessage Response, byte[]? DeviceSecret)> ActivateAsync(HttpClient api, string email, string code,
        string deviceName = "test pad", string? deviceKind = null)
    {
        var start = await api.PostAsJsonAsync("/api/v1/activations", new StartActivationRequest(email));
        start.EnsureSuccessStatusCode();
        var started = (await start.Content.ReadFromJsonAsync<StartActivationResponse>())!;
        using var client = ActivationClient.Begin(email, started.ActivationId, code, Base64Url.DecodeFromChars(started.ServerPublicKey))!;
        var finish = await api.PostAsJsonAsync($"/api/v1/activations/{started.ActivationId}/finish", new FinishActivationRequest(email,
            Base64Url.EncodeToString(client.ClientPublicKey), Base64Url.EncodeToString(client.ClientConfirmation), deviceName, deviceKind));
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

    /// <summary>The client id and secret a relying party's client from <see cref="RelyingPartyClientAsync"/> authenticates with.</summary>
    public static (string ClientId, string ClientSecret) CredentialsOf(HttpClient relyingParty)
    {
        var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(relyingParty.DefaultRequestHeaders.Authorization!.Parameter!)).Split(':', 2);
        return (pair[0], pair[1]);
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
    public static async Task<SignInQuestionPage> StartSignInAsync(HttpClient browser, string email) =>
        await (await SignInPage.OpenAsync(browser)).AskForQuestionAsync(email);

    /// <summary>Signs in to the personal account with a login question answered by the cipher pad with <paramref name="deviceSecret"/>.</summary>
    public static async Task SignInAsync(CipherpadFactory factory, HttpClient browser, string email, byte[] deviceSecret)
    {
        var questionPage = await StartSignInAsync(browser, email);
        using var signedIn = await questionPage.AnswerAsync(AnswerWith(factory, deviceSecret, Core.Answers.Purpose.Login, questionPage.Question));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    /// <summary>What the cipher pad with <paramref name="deviceSecret"/> answers to <paramref name="question"/> now.</summary>
    public static string AnswerWith(CipherpadFactory factory, byte[] deviceSecret, Core.Answers.Purpose purpose, string question)
    {
        using var keys = new Core.Answers.DeviceKeys(deviceSecret);
        return Core.Answers.Answer.Compute(keys, purpose, question, factory.Time.GetUtcNow());
    }

    /// <summary>The human check's challenge on <paramref name="page"/>, as the page hands it to its script.</summary>
    public static (string Algorithm, string Challenge, int MaxNumber, string Salt, string Signature) HumanCheckOn(string page)
    {
        var element = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(page).QuerySelector("[data-challenge]");
        Assert.True(element is not null, "the page carries a human check");
        string Data(string name)
        {
            var value = element.GetAttribute($"data-{name}");
            Assert.True(value is not null, $"the page carries the human check's {name}");
            return value;
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

    /// <summary>
    /// Posts the form for <paramref name="handler"/> of an account page with <paramref name="fields"/> filled in, then
    /// confirms the change it asks for with the cipher pad's action answer. Returns the page the person ends on: the form
    /// again with its problem, the confirmation page unanswered (no <paramref name="deviceSecret"/>), or after the answer.
    /// </summary>
    public static async Task<HtmlPage> ChangeAccountAsync(CipherpadFactory factory, HttpClient browser, string page, string handler,
        Dictionary<string, string> fields, byte[]? deviceSecret, Core.Answers.Purpose answerPurpose = Core.Answers.Purpose.Action)
    {
        var form = await HtmlPage.OpenAsync(browser, page);
        using var requested = await form.SubmitAsync(handler, fields);
        if (requested.StatusCode != HttpStatusCode.Redirect)
        {
            return await HtmlPage.FromAsync(browser, requested);
        }
        var confirmPage = await ConfirmChangePage.OpenAsync(browser, requested.Headers.Location!.OriginalString);
        if (deviceSecret is null)
        {
            return confirmPage;
        }
        return await confirmPage.ConfirmAsync(AnswerWith(factory, deviceSecret, answerPurpose, confirmPage.Question!));
    }

    public static MimeMessage LatestEmailTo(CipherpadFactory factory, string email) => EmailsTo(factory, email).First();

    /// <summary>The mails sent to <paramref name="email"/>, newest first.</summary>
    public static IEnumerable<MimeMessage> EmailsTo(CipherpadFactory factory, string email)
    {
        factory.SendOutbox();
        var outbox = Path.Combine(factory.DataDirectory, "outbox", "email");
        var messages = Directory.GetFiles(outbox, "*.eml").OrderByDescending(f => f, StringComparer.Ordinal).Select(file => MimeMessage.Load(file));
        return messages.Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, email, StringComparison.OrdinalIgnoreCase)));
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

    /// <summary>The newest activation code in the SMS outbox for each phone number it was sent to.</summary>
    public static Dictionary<string, string> ActivationCodesByPhone(CipherpadFactory factory)
    {
        factory.SendOutbox();
        var codes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(factory.DataDirectory, "outbox", "sms"), "*.json").Order(StringComparer.Ordinal))
        {
            using var sms = JsonDocument.Parse(File.ReadAllText(file));
            var match = ActivationCodeText().Match(sms.RootElement.GetProperty("text").GetString()!);
            if (match.Success)
            {
                codes[sms.RootElement.GetProperty("to").GetString()!] = match.Value;
            }
        }
        return codes;
    }

    public static string ConfirmationLink(string body)
    {
        var match = ConfirmationUrl().Match(body);
        Assert.True(match.Success, "the e-mail carries a confirmation link");
        return new Uri(match.Value).PathAndQuery;
    }

    [GeneratedRegex(@"\d{4}-\d{4}-\d{4}")]
    private static partial Regex ActivationCodeText();

    [GeneratedRegex(@"http://[a-z0-9.:-]+/confirm-email\?token=[A-Za-z0-9_-]+")]
    private static partial Regex ConfirmationUrl();
}
