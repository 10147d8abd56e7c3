using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Accounts;

/// <summary>The proof-of-work check on registration and support requests (<c>Cipherpad:Accounts:HumanCheck</c>); see <see cref="HumanCheck"/>.</summary>
public sealed class HumanCheckOptions
{
    /// <summary>
    /// The secret number is drawn from 0 to this: a browser tries half of them on average (SHA-256 each), the server one.
    /// Doubling it doubles the work of a person and of a bot alike.
    /// </summary>
    [Range(100, 100_000_000)]
    public int MaxNumber { get; set; } = 100_000;

    /// <summary>How long a challenge can be solved and submitted; a spent one is remembered this long (then pruned).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(30);
}
