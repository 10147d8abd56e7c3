using System.Security.Claims;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>
/// The language switch on every page: remembers the choice in a cookie for a year and, for a signed-in person, on the
/// account, so that its e-mails and SMS follow; then goes back to the page it was made on.
/// </summary>
public sealed class LanguageModel(AccountService accounts) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(string? language, string? returnUrl, CancellationToken cancellationToken)
    {
        var back = Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
        if (Languages.Find(language) is not { } chosen)
        {
            return Redirect(back);
        }
        Response.Cookies.Append(Languages.CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)), new CookieOptions
        {
            Expires = DateTimeOffset.UtcNow.AddYears(1),
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = Request.IsHttps,
        });
        if (User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && Guid.TryParse(id, out var accountId))
        {
            await accounts.SetLanguageAsync(accountId, chosen, cancellationToken);
        }
        return Redirect(back);
    }
}
