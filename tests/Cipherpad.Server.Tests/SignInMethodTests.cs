using System.Net;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;

namespace Cipherpad.Server.Tests;

/// <summary>Cipherpad's own sign-in (also the one forward-auth sends people to) by phone-pad approval and by SMS, besides the question.</summary>
public sealed class SignInMethodTests
{
    private const string Email = "ann@example.com";

    private static async Task<HtmlPage> ChooseAsync(HttpClient browser, string method, string email = Email)
    {
        var signIn = await SignInPage.OpenAsync(browser);
        using var chosen = await signIn.SubmitAsync("Start", new Dictionary<string, string> { ["Email"] = email, ["Method"] = method });
        return await HtmlPage.FromAsync(browser, chosen);
    }

    [Fact]
    public async Task A_person_signs_in_by_approving_on_the_phone_pad()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pad = await PadApi.RegisterAndActivateAsync(factory, Email);
        (await PadApi.SetApprovalAsync(factory, pad, true)).Dispose();
        using var browser = factory.Browser();

        var page = await ChooseAsync(browser, "push");
        var number = int.Parse(page.TextOf("#match-number")!, System.Globalization.CultureInfo.InvariantCulture);
        var request = Assert.Single((await PadApi.PendingAsync(factory, pad)).EnumerateArray());
        Assert.Equal("success", await PadApi.ApproveAsync(factory, pad, request.GetProperty("challengeId").GetGuid(),
            PadApi.AnswerPayload(factory, pad, request.GetProperty("payload").GetString()!), number));

        using var approved = await page.SubmitAsync("Approved");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal("/account", approved.Headers.Location!.OriginalString);
        using var account = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
    }

    [Fact]
    public async Task A_person_signs_in_with_the_answer_sent_by_sms_and_a_stranger_sees_the_same_page()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        await Journeys.RegisterAndActivateAsync(factory, Email, sms: true);
        using var browser = factory.Browser();

        var stranger = await ChooseAsync(browser, "sms", "nobody@example.com");
        var sent = Journeys.SmsTexts(factory).Count;
        var page = await ChooseAsync(browser, "sms");
        Assert.Equal(stranger.TextOf("#sms"), page.TextOf("#sms"));
        Assert.Equal(sent + 1, Journeys.SmsTexts(factory).Count);

        var answer = System.Text.RegularExpressions.Regex.Match(Journeys.SmsTexts(factory).Last(), @"type ([\d ]+) \(").Groups[1].Value;
        using var answered = await page.SubmitAsync("Answer", new Dictionary<string, string> { ["Answer"] = answer });
        Assert.Equal("/account", answered.Headers.Location!.OriginalString);
    }
}
