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
public sealed class AccountModel(CipherpadDbContext db, AnswerMethods.Sms.SmsAnswers sms) : PageModel
{
    public Accounts.Account? Account { get; private set; }
    public List<Device> Devices { get; private set; } = [];
    public List<AuthorizationLogEntry> Log { get; private set; } = [];
    public List<AnswerMethods.Sms.FeeLedgerEntry> Fees { get; private set; } = [];
    public int SmsLeftToday { get; private set; }

    public static string FormatFee(AnswerMethods.Sms.FeeLedgerEntry fee)
    {
        ArgumentNullException.ThrowIfNull(fee);
        return $"{Core.Payments.Currency.FromCode(fee.Currency)!.FormatMinorUnits(fee.MinorUnits)} {fee.Currency}";
    }

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
        Fees = await db.FeeLedger.AsNoTracking().Where(f => f.AccountId == accountId).OrderByDescending(f => f.At).ThenByDescending(f => f.Id)
            .Take(50).ToListAsync(cancellationToken);
        SmsLeftToday = await sms.LeftTodayAsync(accountId, cancellationToken);
        return Page();
    }
}
