using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// A small arithmetic question, needing no outside service. The expected answer travels in a protected,
/// expiring token, so any server instance can check it and nothing is stored.
/// </summary>
public sealed class HumanCheck(IDataProtectionProvider protection, TimeProvider time)
{
    private static readonly string[] Words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    private readonly IDataProtector _protector = protection.CreateProtector("Cipherpad.HumanCheck.v1");

    public (string Question, string Token) Create()
    {
        var a = RandomNumberGenerator.GetInt32(2, 10);
        var b = RandomNumberGenerator.GetInt32(1, 10);
        var expires = time.GetUtcNow().AddMinutes(30).ToUnixTimeSeconds();
        var token = _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{a + b}|{expires}"));
        return ($"What is {Words[a]} plus {b}? (digits)", token);
    }

    public bool Passes(string? token, string? answer)
    {
        if (string.IsNullOrEmpty(token) || string.IsNullOrWhiteSpace(answer))
        {
            return false;
        }
        try
        {
            var parts = _protector.Unprotect(token).Split('|');
            return parts.Length == 2
                && long.Parse(parts[1], CultureInfo.InvariantCulture) > time.GetUtcNow().ToUnixTimeSeconds()
                && string.Equals(parts[0], answer.Trim(), StringComparison.Ordinal);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
