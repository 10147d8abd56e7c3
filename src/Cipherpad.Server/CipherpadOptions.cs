using System.ComponentModel.DataAnnotations;
using Cipherpad.Server.Pruning;

namespace Cipherpad.Server;

/// <summary>The server's settings, bound from the <c>Cipherpad</c> section and validated at start.</summary>
public sealed class CipherpadOptions
{
    public const string Section = "Cipherpad";

    /// <summary>The address users reach the server at; links in e-mails and SMS are built from it.</summary>
    [Required, Url]
    public string PublicUrl { get; set; } = "http://localhost:5080";

    /// <summary>Where the SQLite file, the development master key and the outboxes live (relative to the working directory).</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Apply database migrations at start (otherwise run the <c>migrate</c> command).</summary>
    public bool MigrateAtStart { get; set; } = true;

    [Required]
    public DatabaseOptions Database { get; set; } = new();

    [Required]
    public MasterKeyOptions MasterKey { get; set; } = new();

    [Required]
    public ChallengeOptions Challenges { get; set; } = new();

    [Required]
    public ActivationOptions Activation { get; set; } = new();

    [Required]
    public AccountOptions Accounts { get; set; } = new();

    [Required]
    public EmailOptions Email { get; set; } = new();

    [Required]
    public SmsOptions Sms { get; set; } = new();

    [Required]
    public RateLimitOptions RateLimits { get; set; } = new();

    [Required]
    public PruningOptions Pruning { get; set; } = new();

    [Required]
    public Notifications.OutboxOptions Outbox { get; set; } = new();

    public string DataPath(string relative) => Path.GetFullPath(Path.Combine(DataDirectory, relative));
}

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

public sealed class DatabaseOptions
{
    /// <summary>Sqlite (default, a file in the data directory) or PostgreSql.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The connection string; for Sqlite, empty means <c>{DataDirectory}/cipherpad.db</c>.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class MasterKeyOptions
{
    /// <summary>A file holding the 32-byte master key in base64; created on first start only in Development.</summary>
    public string? File { get; set; }

    /// <summary>The master key itself in base64 (prefer the CIPHERPAD_MASTER_KEY environment variable).</summary>
    public string? Value { get; set; }
}

public sealed class ChallengeOptions
{
    /// <summary>Digits in a question, 6 to 64.</summary>
    [Range(6, 64)]
    public int QuestionLength { get; set; } = 8;

    /// <summary>How long a question can be answered.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:15:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Wrong answers after which a question is locked, 1 to 10.</summary>
    [Range(1, 10)]
    public int MaxWrongAnswers { get; set; } = 5;

    /// <summary>Minutes before the server's clock an answer may have been made in.</summary>
    [Range(0, 60)]
    public int PastSteps { get; set; } = 5;

    /// <summary>Minutes after the server's clock an answer may have been made in.</summary>
    [Range(0, 10)]
    public int FutureSteps { get; set; } = 1;

    /// <summary>Consecutive failures from one source for one account before it must wait; the wait then doubles per failure.</summary>
    [Range(1, 100)]
    public int FailuresBeforeBackoff { get; set; } = 5;

    /// <summary>
    /// Consecutive failures against an account from all sources together before every source that never succeeded for
    /// it must wait too (NIST SP 800-63B asks for at most 100).
    /// </summary>
    [Range(5, 100)]
    public int AccountFailuresBeforeBackoff { get; set; } = 20;

    /// <summary>The longest wait the back-off imposes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class ActivationOptions
{
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Wrong tries before an activation code is void.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 5;
}

public sealed class AccountOptions
{
    /// <summary>PBKDF2-SHA256 iterations for security answers (OWASP 2023: 600,000).</summary>
    [Range(1_000, 10_000_000)]
    public int SecurityAnswerIterations { get; set; } = 600_000;

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
}

public sealed class EmailOptions
{
    [Required]
    public string From { get; set; } = "Cipherpad <no-reply@cipherpad.localhost>";

    /// <summary>SMTP server; when empty, mail is written as .eml files to the outbox.</summary>
    public string? SmtpHost { get; set; }

    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>Relative to the data directory.</summary>
    [Required]
    public string OutboxDirectory { get; set; } = "outbox/email";
}

public sealed class SmsOptions
{
    /// <summary>An HTTP endpoint that accepts <c>{"to": "+…", "text": "…"}</c>; when empty, SMS go to the outbox.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Sent as a bearer token to the webhook.</summary>
    public string? WebhookToken { get; set; }

    /// <summary>Relative to the data directory.</summary>
    [Required]
    public string OutboxDirectory { get; set; } = "outbox/sms";

    /// <summary>SMS answers per account per UTC day for logins and actions; payment SMS are not limited but carry a fee.</summary>
    [Range(0, 100)]
    public int DailyLimit { get; set; } = 5;

    /// <summary>
    /// The fee for confirming a payment by SMS, per payment currency, such as { "USD": "0.05", "WMZ": "0.05", "WMR": "1.5" }.
    /// Payments in a currency not listed cannot be confirmed by SMS.
    /// </summary>
    public Dictionary<string, string> PaymentFees { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Requests per minute, per server instance: per relying party on its API, per client address everywhere else.</summary>
public sealed class RateLimitOptions
{
    [Range(1, 1_000_000)]
    public int RelyingPartyPerMinute { get; set; } = 1200;

    [Range(1, 1_000_000)]
    public int AddressPerMinute { get; set; } = 300;
}
