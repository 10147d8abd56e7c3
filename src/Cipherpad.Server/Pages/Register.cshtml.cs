using Cipherpad.Server.Accounts;
using Cipherpad.Server.Localization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Cipherpad.Server.Pages;

public sealed class RegisterModel(AccountService accounts, Accounts.HumanCheck humanCheck) : PageModel
{
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? SecurityQuestion { get; set; }
    [BindProperty] public string? SecurityAnswer { get; set; }

    /// <summary>The browser's answer to the human check, as JSON (see wwwroot/js/human-check.js).</summary>
    [BindProperty] public string? HumanCheck { get; set; }

    /// <summary>A field people never see; bots fill it in.</summary>
    [BindProperty] public string? Website { get; set; }

    public HumanCheckChallenge HumanCheckChallenge { get; private set; } = null!;
    public Dictionary<string, Text> Problems { get; private set; } = new(StringComparer.Ordinal);

    public void OnGet() => HumanCheckChallenge = humanCheck.Create();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // A filled-in trap field counts as no human check at all.
        var (account, problems, humanCheckUnused) = await accounts.RegisterAsync(new Registration(FirstName, LastName, Email, Phone, SecurityQuestion, SecurityAnswer),
            string.IsNullOrEmpty(Website) ? HumanCheck : null, cancellationToken);
        if (account is not null)
        {
            return RedirectToPage("/RegisterDone", new { email = account.Email });
        }
        Problems = problems;
        // A refusal for the fields alone keeps the solved check, so the person does not wait for it again.
        HumanCheckChallenge = humanCheckUnused ? humanCheck.Keep(HumanCheck) : humanCheck.Create();
        return Page();
    }

    public IHtmlContent ErrorFor(string field, IStringLocalizer<Texts> texts) =>
        Problems.TryGetValue(field, out var problem)
            ? new HtmlString($"<p class=\"error\" id=\"{field}-error\">{System.Net.WebUtility.HtmlEncode(problem.In(texts))}"
                + (problem.Format == AccountService.EmailInUse ? $" <a href=\"/recover\">{System.Net.WebUtility.HtmlEncode(texts["Recover your account"])}</a>." : "")
                + "</p>")
            : HtmlString.Empty;

    /// <summary>Marks a field that has a problem as invalid and points it at its message, for screen readers.</summary>
    public IHtmlContent InvalidAttributes(string field) =>
        Problems.ContainsKey(field) ? new HtmlString($"aria-invalid=\"true\" aria-describedby=\"{field}-error\"") : HtmlString.Empty;
}
