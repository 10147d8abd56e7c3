using System.ComponentModel.DataAnnotations;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Pruning;
using Cipherpad.Server.ReverseProxy;
using Cipherpad.Server.Security;

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

    /// <summary>A folder of files, one a secret setting, named as its environment variable (<see cref="Security.SecretSettingFiles"/>).</summary>
    public string SecretsDirectory { get; set; } = "";

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
    public AnswerMethods.Push.PushOptions Push { get; set; } = new();

    [Required]
    public RateLimitOptions RateLimits { get; set; } = new();

    [Required]
    public PruningOptions Pruning { get; set; } = new();

    [Required]
    public Notifications.OutboxOptions Outbox { get; set; } = new();

    [Required]
    public Sessions.SessionOptions Sessions { get; set; } = new();

    [Required]
    public ReverseProxyOptions ReverseProxy { get; set; } = new();

    [Required]
    public Oidc.OidcOptions Oidc { get; set; } = new();

    [Required]
    public ForwardAuth.ForwardAuthOptions ForwardAuth { get; set; } = new();

    /// <summary><c>Cipherpad:Vault</c>: the key vault's limits.</summary>
    [Required]
    public Vault.VaultOptions Vault { get; set; } = new();

    /// <summary><c>Cipherpad:Passkeys</c>: the WebAuthn relying party and attestation.</summary>
    [Required]
    public Passkeys.PasskeyOptions Passkeys { get; set; } = new();

    /// <summary><c>Cipherpad:Metrics</c>: the Prometheus scrape endpoint.</summary>
    [Required]
    public Observability.MetricsOptions Metrics { get; set; } = new();

    /// <summary><c>Cipherpad:Tracing</c>: traces sent to an OpenTelemetry collector.</summary>
    public Observability.TracingOptions Tracing { get; set; } = new();

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

    /// <summary>
    /// The connection string. For Sqlite also a bare file path, relative to the data directory; empty means
    /// <c>{DataDirectory}/cipherpad.db</c> (<see cref="Storage.StorageExtensions.SqliteConnectionString"/>).
    /// </summary>
    public string? ConnectionString { get; set; }
}

public sealed class MasterKeyOptions
{
    /// <summary>A file holding the 32-byte master key in base64; created on first start only in Development.</summary>
    public string? File { get; set; }

    /// <summary>The master key itself in base64 (prefer the CIPHERPAD_MASTER_KEY environment variable).</summary>
    public string? Value { get; set; }

    /// <summary>
    /// Earlier master keys in base64, kept while <c>vault rewrap</c> moves the key vault's data keys to the current one:
    /// a data key wrapped by any of them still opens. Remove each once the command reports nothing left under it.
    /// </summary>
    public List<string> Previous { get; set; } = [];
}
