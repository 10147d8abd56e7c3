using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

/// <summary>A page of the signed-in person's own account; every query it makes is scoped to <see cref="AccountId"/>.</summary>
[Authorize]
public abstract class AccountPage : PageModel
{
    protected Guid AccountId => Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    protected string Source => HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
