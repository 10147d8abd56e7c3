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
    public DbSet<Device> Devices => Set<Device>();
    public DbSet<ActivationCodeRecord> ActivationCodes => Set<ActivationCodeRecord>();
    public DbSet<ActivationSession> ActivationSessions => Set<ActivationSession>();
    public DbSet<RelyingParty> RelyingParties => Set<RelyingParty>();
    public DbSet<Challenge> Challenges => Set<Challenge>();
    public DbSet<SourceThrottle> SourceThrottles => Set<SourceThrottle>();
    public DbSet<SmsQuota> SmsQuotas => Set<SmsQuota>();
    public DbSet<PendingAccountChange> PendingAccountChanges => Set<PendingAccountChange>();
    public DbSet<EmailLink> EmailLinks => Set<EmailLink>();
    public DbSet<AccountAlias> AccountAliases => Set<AccountAlias>();
    public DbSet<SupportRequest> SupportRequests => Set<SupportRequest>();
    public DbSet<RecoveryRecord> RecoveryRecords => Set<RecoveryRecord>();
    public DbSet<FeeLedgerEntry> FeeLedger => Set<FeeLedgerEntry>();
    public DbSet<AuthorizationLogEntry> AuthorizationLog => Set<AuthorizationLogEntry>();
    public DbSet<Notifications.OutboxMessage> OutboxMessages => Set<Notifications.OutboxMessage>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

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
        modelBuilder.Entity<Account>(account =>
        {
            account.HasIndex(a => a.Email).IsUnique();
            account.Property(a => a.Email).HasMaxLength(254);
            account.Property(a => a.Phone).HasMaxLength(16);
            account.Property(a => a.FirstName).HasMaxLength(100);
            account.Property(a => a.LastName).HasMaxLength(100);
            account.Property(a => a.SecurityQuestion).HasMaxLength(200);
            account.Ignore(a => a.FullName);
        });
        modelBuilder.Entity<EmailConfirmation>().HasIndex(c => c.TokenHash).IsUnique();
        modelBuilder.Entity<Device>().HasIndex(d => d.AccountId);
        modelBuilder.Entity<ActivationCodeRecord>().HasIndex(c => c.AccountId);
        modelBuilder.Entity<ActivationSession>().Property(s => s.Id).HasMaxLength(40);
        modelBuilder.Entity<RelyingParty>(rp =>
        {
            rp.HasIndex(r => r.ClientId).IsUnique();
            rp.Property(r => r.Name).HasMaxLength(64);
        });
        modelBuilder.Entity<Challenge>(challenge =>
        {
            challenge.HasIndex(c => new { c.AccountId, c.CreatedAt });
            challenge.Property(c => c.Purpose).HasConversion<string>().HasMaxLength(16);
            challenge.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            challenge.Property(c => c.Question).HasMaxLength(64);
            challenge.Property(c => c.Method).HasMaxLength(16);
            challenge.Property(c => c.Description).HasMaxLength(200);
            challenge.Property(c => c.Payee).HasMaxLength(64);
            challenge.Property(c => c.Amount).HasMaxLength(32);
            challenge.Property(c => c.Currency).HasMaxLength(3);
        });
        modelBuilder.Entity<EmailLink>(link =>
        {
            link.HasIndex(l => l.TokenHash).IsUnique();
            link.Property(l => l.Kind).HasConversion<string>().HasMaxLength(32);
            link.Property(l => l.TokenHash).HasMaxLength(64);
            link.Property(l => l.Address).HasMaxLength(254);
        });
        modelBuilder.Entity<SupportRequest>(request =>
        {
            request.Property(r => r.AccountEmail).HasMaxLength(254);
            request.Property(r => r.Name).HasMaxLength(200);
            request.Property(r => r.Contact).HasMaxLength(254);
            request.Property(r => r.Lost).HasMaxLength(16);
            request.Property(r => r.Message).HasMaxLength(2000);
            request.Property(r => r.Ip).HasMaxLength(64);
            request.Property(r => r.Resolution).HasMaxLength(500);
        });
        modelBuilder.Entity<Account>().Property(a => a.Notifications).HasConversion<int>();
        modelBuilder.Entity<AccountAlias>(alias =>
        {
            alias.HasIndex(a => a.Email).IsUnique();
            alias.HasIndex(a => a.AccountId);
            alias.Property(a => a.Email).HasMaxLength(254);
        });
        modelBuilder.Entity<RecoveryRecord>().HasIndex(r => new { r.AccountId, r.At });
        modelBuilder.Entity<SourceThrottle>(throttle =>
        {
            throttle.HasKey(t => new { t.AccountId, t.Source });
            throttle.Property(t => t.Source).HasMaxLength(96);
        });
        modelBuilder.Entity<AuthorizationLogEntry>(entry =>
        {
            entry.HasIndex(e => new { e.AccountId, e.At });
            entry.Property(e => e.Result).HasMaxLength(32);
            entry.Property(e => e.Method).HasMaxLength(32);
            entry.Property(e => e.Purpose).HasMaxLength(32);
            entry.Property(e => e.RelyingParty).HasMaxLength(64);
            entry.Property(e => e.Ip).HasMaxLength(64);
            entry.Property(e => e.Detail).HasMaxLength(500);
        });
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}

public sealed class SqliteCipherpadDbContext(DbContextOptions<SqliteCipherpadDbContext> options) : CipherpadDbContext(options);

public sealed class PostgresCipherpadDbContext(DbContextOptions<PostgresCipherpadDbContext> options) : CipherpadDbContext(options);
