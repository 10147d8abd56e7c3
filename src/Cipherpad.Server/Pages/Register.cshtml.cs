using Cipherpad.Server.Accounts;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

public sealed class RegisterModel(AccountService accounts, HumanCheck humanCheck) : PageModel
{
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? SecurityQuestion { get; set; }
    [BindProperty] public string? SecurityAnswer { get; set; }
    [BindProperty] public string? HumanAnswer { get; set; }
    [BindProperty] public string? HumanToken { get; set; }

    /// <summary>A field people never see; bots fill it in.</summary>
    [BindProperty] public string? Website { get; set; }

    public string HumanQuestion { get; private set; } = "";
    public Dictionary<string, string> Problems { get; private set; } = new(StringComparer.Ordinal);

    public void OnGet() => NewHumanCheck();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var passedHumanCheck = humanCheck.Passes(HumanToken, HumanAnswer) && string.IsNullOrEmpty(Website);
        if (!passedHumanCheck)
        {
            Problems["HumanAnswer"] = "That is not the answer to the question; here is a new one.";
        }
        else
        {
            var (account, problems) = await accounts.RegisterAsync(
                new Registration(FirstName, LastName, Email, Phone, SecurityQuestion, SecurityAnswer), cancellationToken);
            if (account is not null)
            {
                return RedirectToPage("/RegisterDone", new { email = account.Email });
            }
            Problems = problems;
        }
        NewHumanCheck();
        return Page();
    }

    public IHtmlContent ErrorFor(string field) =>
        Problems.TryGetValue(field, out var problem)
            ? new HtmlString($"<p class=\"error\" id=\"{field}-error\">{System.Net.WebUtility.HtmlEncode(problem)}</p>")
            : HtmlString.Empty;

    private void NewHumanCheck() => (HumanQuestion, HumanToken) = humanCheck.Create();
}
