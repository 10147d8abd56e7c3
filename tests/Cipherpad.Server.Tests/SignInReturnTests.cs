using System.Net;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests;

/// <summary>Sign-in as a building block: a page that needs a signed-in person sends them back to itself, never off-site.</summary>
public sealed class SignInReturnTests
{
    [Theory]
    [InlineData("/account/log", "/account/log")]
    [InlineData("https://evil.example/steal", "/account")]
    [InlineData("//evil.example/steal", "/account")]
    [InlineData("/\\evil.example", "/account")]
    public async Task Sign_in_returns_to_a_local_page_only(string returnUrl, string landing)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();

        var challenge = await browser.GetAsync("/account/log");
        var signIn = await browser.GetStringAsync($"/signin?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        var questionPage = await (await browser.PostAsync("/signin?handler=Start", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Journeys.AntiforgeryToken(signIn),
            ["Email"] = "ann@example.com",
            ["ReturnUrl"] = Journeys.HiddenValue(signIn, "ReturnUrl"),
        }))).Content.ReadAsStringAsync();
        using var keys = new Core.Answers.DeviceKeys(pad);
        var answer = Core.Answers.Answer.Compute(keys, Core.Answers.Purpose.Login, Journeys.QuestionOn(questionPage), factory.Time.GetUtcNow());
        var signedIn = await browser.PostAsync("/signin?handler=Answer", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Journeys.AntiforgeryToken(questionPage),
            ["ChallengeId"] = Journeys.HiddenValue(questionPage, "ChallengeId"),
            ["ReturnUrl"] = Journeys.HiddenValue(questionPage, "ReturnUrl"),
            ["Answer"] = answer,
        }));

        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/signin?ReturnUrl=%2Faccount%2Flog", challenge.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(landing, signedIn.Headers.Location!.OriginalString);
    }
}
