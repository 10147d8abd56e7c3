using System.Net;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Server.Tests;

/// <summary>"Weak answers are refused" (README): on the registration form and on the page that changes the security question.</summary>
public sealed class SecurityAnswerScenarios : IDisposable
{
    private readonly CipherpadFactory _factory = new(DatabaseProvider.Sqlite, null);

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("What was on my grandmother's shelf?", "blue", "at least 6 characters")]
    [InlineData("What was on my grandmother's shelf?", "grandmother's shelf", "must not repeat the question's words")]
    public async Task Registration_refuses_a_weak_security_answer_at_its_field(string question, string answer, string reason)
    {
        using var browser = _factory.Browser();

        using var refused = await (await RegisterPage.OpenAsync(browser)).RegisterAsync("ann@example.com", "+49 170 1234567", answer,
            securityQuestion: question);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var error = (await HtmlPage.FromAsync(browser, refused)).TextOf("#SecurityAnswer-error") ?? "";
        Assert.StartsWith("The security answer must", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        await using var scope = _factory.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.CountAsync());
    }

    [Fact]
    public async Task The_security_question_page_refuses_a_weak_answer_and_changes_nothing()
    {
        var phone = await Journeys.RegisterAndActivateAsync(_factory, "ann@example.com");
        using var browser = _factory.Browser();
        await Journeys.SignInAsync(_factory, browser, "ann@example.com", phone);

        var shortAnswer = await Journeys.ChangeAccountAsync(_factory, browser, "/account/security-question", "",
            new() { ["Question"] = "Favourite colour?", ["Answer"] = "blue" }, phone);
        var echo = await Journeys.ChangeAccountAsync(_factory, browser, "/account/security-question", "",
            new() { ["Question"] = "First concert?", ["Answer"] = "my first concert" }, phone);

        Assert.Contains("The security answer must be at least 6 characters", shortAnswer.Text, StringComparison.Ordinal);
        Assert.Contains("The security answer must not repeat the question's words", echo.Text, StringComparison.Ordinal);
        await using var scope = _factory.Services.CreateAsyncScope();
        Assert.Equal("What was on my grandmother's shelf?",
            await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.Select(a => a.SecurityQuestion).SingleAsync());
    }
}
