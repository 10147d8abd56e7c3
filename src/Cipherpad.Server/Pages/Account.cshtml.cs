using System.Security.Claims;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Devices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

[Authorize]
public sealed class AccountModel(AccountDirectory directory, DeviceRegistry devices, AuthorizationLogReader log, AnswerMethods.Sms.SmsAnswers sms)
    : PageModel
{
    public Account? Account { get; private set; }
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
        Account = await directory.FindAsync(accountId, cancellationToken);
        if (Account is null)
        {
            return Redirect("/signin");
        }
        Devices = await devices.ActiveAsync(accountId, cancellationToken);
        Log = await log.LatestAsync(accountId, 20, cancellationToken);
        Fees = await sms.LatestFeesAsync(accountId, 50, cancellationToken);
        SmsLeftToday = await sms.LeftTodayAsync(accountId, cancellationToken);
        return Page();
    }
}
