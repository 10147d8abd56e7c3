using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// How an address, as a person types it, finds the account or alias stored under it. Addresses are stored as
/// <see cref="AccountRules.NormalizeEmail"/> gives them. Earlier versions lowercased every letter instead, ASCII or not,
/// so an address registered then with a capital outside ASCII (<c>Ärger@example.com</c>) is stored as
/// <c>ärger@example.com</c>; it is found in that form as well, after the current one, so that its owner still signs in,
/// recovers and activates however they type it, exactly as before. Nothing is stored in the earlier form any more.
/// </summary>
public static class StoredEmail
{
    /// <summary>
    /// The forms <paramref name="address"/> may be stored in, the current one first; only the current one for every
    /// address without a capital outside ASCII, the same forms whether it is passed as typed or normalized.
    /// </summary>
    public static IReadOnlyList<string> Forms(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var current = AccountRules.NormalizeEmail(address);
        var earlier = current.ToLowerInvariant();
        return earlier == current ? [current] : [current, earlier];
    }

    /// <summary>The rows (accounts or aliases) whose e-mail is <paramref name="address"/> in any of its <see cref="Forms"/>.</summary>
    public static IQueryable<T> StoredAs<T>(this IQueryable<T> rows, string address)
        where T : class
    {
        var forms = Forms(address);
        var current = forms[0];
        var earlier = forms[^1];
        return forms.Count == 1
            ? rows.Where(r => EF.Property<string>(r, nameof(Account.Email)) == current)
            : rows.Where(r => EF.Property<string>(r, nameof(Account.Email)) == current || EF.Property<string>(r, nameof(Account.Email)) == earlier);
    }

    /// <summary>
    /// The same rows, the one stored in the current form first: when an address is stored in both forms (an account from
    /// before, and one registered since with the capital), the address as typed names the one stored as typed.
    /// </summary>
    public static IQueryable<T> StoredAsCurrentFirst<T>(this IQueryable<T> rows, string address)
        where T : class
    {
        var forms = Forms(address);
        var current = forms[0];
        return forms.Count == 1 ? rows.StoredAs(address)
            : rows.StoredAs(address).OrderBy(r => EF.Property<string>(r, nameof(Account.Email)) == current ? 0 : 1);
    }
}
