using System.Security.Claims;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Pages;

[Authorize]
public sealed class AccountModel(CipherpadDbContext db) : PageModel
{
    public Accounts.Account? Account { get; private set; }
    public List<Device> Devices { get; private set; } = [];
    public List<AuthorizationLogEntry> Log { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var accountId = Guid.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!);
        Account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, cancellationToken);
        if (Account is null)
        {
            return Redirect("/signin");
        }
        Devices = await db.Devices.AsNoTracking().Where(d => d.AccountId == accountId && d.RevokedAt == null).OrderBy(d => d.ActivatedAt).ToListAsync(cancellationToken);
        Log = await db.AuthorizationLog.AsNoTracking().Where(e => e.AccountId == accountId).OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Take(20).ToListAsync(cancellationToken);
        return Page();
    }
}
