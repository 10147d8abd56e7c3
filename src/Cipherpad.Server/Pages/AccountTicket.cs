using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Cipherpad.Server.Pages;

/// <summary>
/// Which account a multi-step page is working on, carried between its steps in a hidden field: protected against
/// tampering, valid for a short time, and bound to one purpose, so a ticket from one flow is worthless in another.
/// </summary>
public sealed class AccountTicket(IDataProtectionProvider protection, string purpose, TimeSpan lifetime)
{
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector(purpose).ToTimeLimitedDataProtector();

    public string Issue(Guid accountId) => _protector.Protect(accountId.ToString(), lifetime);

    /// <summary>The account, or null for a ticket that was altered, has expired or belongs to another purpose.</summary>
    public Guid? Read(string? ticket)
    {
        try
        {
            return Guid.Parse(_protector.Unprotect(ticket ?? ""));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
