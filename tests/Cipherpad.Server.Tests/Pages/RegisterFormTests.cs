using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;

namespace Cipherpad.Server.Tests.Pages;

/// <summary>
/// A registration refused for its fields keeps the human check the browser solved, so the person is not made to wait for
/// it again; a check that was used up, or was wrong, is replaced by a new one.
/// </summary>
public sealed class RegisterFormTests
{
    private static string? KeptSolution(HtmlPage page) =>
        page.Document.QuerySelector<IHtmlInputElement>("input[name=HumanCheck]")?.Value is { Length: > 0 } kept ? kept : null;

    [Fact]
    public async Task A_refusal_for_the_fields_keeps_the_solved_check_and_the_form_then_goes_through_with_it()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        using var browser = factory.Browser();
        var form = await RegisterPage.OpenAsync(browser);
        var solution = form.SolveHumanCheck();

        using var refused = await form.RegisterAsync("ann@example.com", "not a phone", "Grandma's blue teapot", solution);
        var shownAgain = await HtmlPage.FromAsync(browser, refused);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(solution, KeptSolution(shownAgain));
        Assert.Equal("Checked: you are a person. You can send the form.", shownAgain.TextOf("#human-check-status"));

        using var registered = await shownAgain.SubmitAsync("", new Dictionary<string, string>
        {
            ["FirstName"] = "Ann", ["LastName"] = "Example", ["Email"] = "ann@example.com", ["Phone"] = Journeys.Phone,
            ["SecurityQuestion"] = "What was on my grandmother's shelf?", ["SecurityAnswer"] = "Grandma's blue teapot",
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
    }

    [Fact]
    public async Task A_used_or_wrong_check_is_never_handed_back()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();

        // Taken address: the check was spent before the address was looked at.
        var form = await RegisterPage.OpenAsync(browser);
        using var taken = await form.RegisterAsync("ann@example.com", Journeys.Phone, "Grandma's blue teapot");
        var afterTaken = await HtmlPage.FromAsync(browser, taken);
        Assert.Contains(afterTaken.Problems, p => p.StartsWith("An account with this e-mail already exists.", StringComparison.Ordinal));
        Assert.Null(KeptSolution(afterTaken));

        var forged = (await RegisterPage.OpenAsync(browser)).SolveHumanCheck().Replace("\"number\":", "\"number\":1", StringComparison.Ordinal);
        using var wrong = await (await RegisterPage.OpenAsync(browser)).RegisterAsync("bob@example.com", "not a phone", "Grandma's blue teapot", forged);
        Assert.Null(KeptSolution(await HtmlPage.FromAsync(browser, wrong)));
    }
}
