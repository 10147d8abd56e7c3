using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Accounts;

/// <summary>Security answers, e-mail confirmation, recovery and the human check (<c>Cipherpad:Accounts</c>).</summary>
public sealed class AccountOptions
{
    /// <summary>PBKDF2-SHA256 iterations for security answers (OWASP 2023: 600,000).</summary>
    [Range(1_000, 10_000_000)]
    public int SecurityAnswerIterations { get; set; } = 600_000;

    /// <summary>
    /// How long a confirmation link works. A registration not confirmed by then is void: its address is free to register
    /// again, and the pruner deletes it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00")]
    public TimeSpan EmailConfirmationLifetime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Recoveries (every old cipher pad revoked, a new activation code sent) allowed per window.</summary>
    [Range(1, 100)]
    public int MaxRecoveries { get; set; } = 3;

    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan RecoveryWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a recovery or "forgot activation code" e-mail link works.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan RecoveryLinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time a post that takes an e-mail address from anyone (the sign-in, authorization, recovery, new-code and
    /// support pages, a pad's activation) takes to answer, so that how long it took does not tell whether the address has an
    /// account (<see cref="Web.EvenTiming"/>). It should be longer than those posts take under the load the server expects,
    /// including a commit to disk.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan AddressPostResponseTime { get; set; } = TimeSpan.FromMilliseconds(200);

    [Required]
    public HumanCheckOptions HumanCheck { get; set; } = new();
}
