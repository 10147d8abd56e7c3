using Cipherpad.Server.Accounts;
using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AnswerMethods.Sms;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;
using Cipherpad.Server.RelyingParties;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cipherpad.Server.Storage;

/// <summary>
/// The one model, shared by both providers. Each provider has its own subclass only so that it can carry its
/// own migrations (<see cref="SqliteCipherpadDbContext"/>, <see cref="PostgresCipherpadDbContext"/>).
/// </summary>
public abstract class CipherpadDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<AccountMethod> AccountMethods => Set<AccountMethod>();
    public DbSet<EmailConfirmation> EmailConfirmations => Set<EmailConfirmation>();
    public DbSet<SpentHumanCheck> SpentHumanChecks => Set<SpentHumanCheck>();
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<ActivationCodeRecord> ActivationCodes => Set<ActivationCodeRecord>();
    public DbSet<ActivationSession> ActivationSessions => Set<ActivationSession>();
    public DbSet<ActivationAttempt> ActivationAttempts => Set<ActivationAttempt>();
    public DbSet<RelyingParty> RelyingParties => Set<RelyingParty>();
    public DbSet<Challenge> Challenges => Set<Challenge>();
    public DbSet<SourceThrottle> SourceThrottles => Set<SourceThrottle>();
    public DbSet<GuessRisk> GuessRisks => Set<GuessRisk>();
    public DbSet<SmsQuota> SmsQuotas => Set<SmsQuota>();
    public DbSet<SmsHourlyQuota> SmsHourlyQuotas => Set<SmsHourlyQuota>();
    public DbSet<AnswerMethods.Push.PushHourlyQuota> PushHourlyQuotas => Set<AnswerMethods.Push.PushHourlyQuota>();
    public DbSet<Security.ServerSecret> ServerSecrets => Set<Security.ServerSecret>();
    public DbSet<PendingAccountChange> PendingAccountChanges => Set<PendingAccountChange>();
    public DbSet<EmailLink> EmailLinks => Set<EmailLink>();
    public DbSet<AccountAlias> AccountAliases => Set<AccountAlias>();
    public DbSet<SupportRequest> SupportRequests => Set<SupportRequest>();
    public DbSet<RecoveryRecord> RecoveryRecords => Set<RecoveryRecord>();
    public DbSet<FeeLedgerEntry> FeeLedger => Set<FeeLedgerEntry>();
    public DbSet<AuthorizationLogEntry> AuthorizationLog => Set<AuthorizationLogEntry>();
    public DbSet<Notifications.OutboxMessage> OutboxMessages => Set<Notifications.OutboxMessage>();
    public DbSet<Notifications.MailQuota> MailQuotas => Set<Notifications.MailQuota>();
    public DbSet<Notifications.NoticeWindow> NoticeWindows => Set<Notifications.NoticeWindow>();
    public DbSet<Sessions.SignInSession> SignInSessions => Set<Sessions.SignInSession>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Oidc.OidcKey> OidcKeys => Set<Oidc.OidcKey>();
    public DbSet<Vault.VaultItem> VaultItems => Set<Vault.VaultItem>();
    public DbSet<Vault.VaultItemVersion> VaultItemVersions => Set<Vault.VaultItemVersion>();
    public DbSet<Vault.VaultRelease> VaultReleases => Set<Vault.VaultRelease>();
    public DbSet<Vault.VaultUpload> VaultUploads => Set<Vault.VaultUpload>();
    public DbSet<Vault.VaultExportRequest> VaultExportRequests => Set<Vault.VaultExportRequest>();
    public DbSet<Passkeys.Passkey> Passkeys => Set<Passkeys.Passkey>();
    public DbSet<Passkeys.PasskeyRegistration> PasskeyRegistrations => Set<Passkeys.PasskeyRegistration>();
    public DbSet<Security.RequestWindow> RequestWindows => Set<Security.RequestWindow>();

    /// <summary>On SQLite, the connections that the hot path's statements share (<see cref="Sql"/>); set for every context the server hands out.</summary>
    internal SqliteGroupCommit? SqliteHotPath { get; set; }

    /// <summary>
    /// Whether the context is on SQLite, asked of EF Core once per context: its <c>IsSqlite()</c> reads the provider's
    /// assembly name, a new <see cref="System.Reflection.AssemblyName"/>, at every call. A pooled context keeps its provider.
    /// </summary>
    internal bool OnSqlite => _onSqlite ??= Database.IsSqlite();

    private bool? _onSqlite;
    private Dictionary<ReadKey, object?>? _readsAhead;
    private string? _statementPrefix;

    /// <summary>Keeps the rows of a <see cref="ReadAhead"/> for the one read that will ask for them.</summary>
    internal void KeepReadAhead(ReadKey key, object? rows) => (_readsAhead ??= [])[key] = rows;

    /// <summary>The rows read ahead for this read, given out once; the read's key is made only when some are kept.</summary>
    internal bool TakeReadAhead(string sql, object? arguments, Type rowType, out object? rows)
    {
        rows = null;
        return _readsAhead is { Count: > 0 } && _readsAhead.Remove(new ReadKey(sql, arguments, rowType), out rows);
    }

    /// <summary>Drops rows read ahead and not asked for, so that no later read of the request takes them when they may be stale.</summary>
    internal void ForgetReadsAhead() => _readsAhead?.Clear();

    /// <summary>
    /// A statement without arguments or rows (a <c>SET LOCAL</c>) to send on PostgreSQL in the same command as the next statement
    /// <see cref="Sql"/> runs, rather than in a network round trip of its own; null forgets one not yet sent.
    /// </summary>
    internal void SendWithNextStatement(string? statement) => _statementPrefix = statement;

    internal string? TakeStatementPrefix()
    {
        var prefix = _statementPrefix;
        _statementPrefix = null;
        return prefix;
    }

    /// <summary>
    /// Whether <see cref="Sql"/> opened the context's own connection, to keep it for the statements that follow: closed
    /// when the context is given back. EF Core counts opens, and a pooled context that goes back with one not closed
    /// keeps the count, so every later user of that context would find its connection left open after each query.
    /// </summary>
    internal bool OpenedForStatements { get; set; }

    /// <summary>
    /// Gives back the connection <see cref="Sql"/> kept open, when the request's work is done but its answer waits
    /// (<see cref="Web.EvenTiming"/>): a wait needs no connection, and posts held back would otherwise hold the pool. A
    /// statement after it opens one again.
    /// </summary>
    internal async ValueTask ReleaseConnectionAsync()
    {
        if (OpenedForStatements && Database.CurrentTransaction is null)
        {
            OpenedForStatements = false;
            await Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Gives back what a failed attempt held, its transaction (which the database already rolled back) and its connection,
    /// before a retry takes another connection in a new scope (<see cref="TransientErrorRetries"/>): a burst of retries
    /// would otherwise hold the pool, each waiting for a second connection.
    /// </summary>
    internal async ValueTask AbandonAttemptAsync()
    {
        if (Database.CurrentTransaction is { } transaction)
        {
            await transaction.DisposeAsync();
        }
        await ReleaseConnectionAsync();
    }

    // Contexts are pooled: what one request kept must not reach the next that is handed the same context.
    public override void Dispose()
    {
        ForgetRequestState();
        try
        {
            if (OpenedForStatements)
            {
                OpenedForStatements = false;
                Database.CurrentTransaction?.Dispose(); // a transaction left open holds an open of its own
                Database.CloseConnection();
            }
        }
        finally
        {
            base.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        ForgetRequestState();
        try
        {
            if (OpenedForStatements)
            {
                OpenedForStatements = false;
                if (Database.CurrentTransaction is { } transaction)
                {
                    await transaction.DisposeAsync(); // a transaction left open holds an open of its own
                }
                await Database.CloseConnectionAsync();
            }
        }
        finally
        {
            await base.DisposeAsync();
            GC.SuppressFinalize(this);
        }
    }

    private void ForgetRequestState()
    {
        _readsAhead = null;
        _statementPrefix = null;
        SqliteHotPath = null; // the server's factory sets it again for whoever gets the context next
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Stored as UTC ticks: SQLite cannot order DateTimeOffset values, and both providers then compare alike.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CipherpadDbContext).Assembly);
        modelBuilder.UseOpenIddict(); // the OpenID Connect provider's clients, authorizations, scopes and tokens
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}

public sealed class SqliteCipherpadDbContext(DbContextOptions<SqliteCipherpadDbContext> options) : CipherpadDbContext(options);

public sealed class PostgresCipherpadDbContext(DbContextOptions<PostgresCipherpadDbContext> options) : CipherpadDbContext(options);
