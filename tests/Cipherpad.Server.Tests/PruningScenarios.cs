using System.Collections.Concurrent;
using Cipherpad.Core.Answers;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.AnswerMethods.Sms;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Pruning;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;
using Cipherpad.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Tests;

/// <summary>Expired data deleted, everything a rule still reads kept, on each database.</summary>
public abstract class PruningScenarios
{
    private static readonly TimeSpan Keep = new PruningOptions().KeepExpiredFor;

    protected abstract Task<CipherpadFactory> CreateFactoryAsync();

    private static async Task<PruneResult> PruneAsync(CipherpadFactory factory, DateTimeOffset now)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DataPruner>().PruneAsync(now, default);
    }

    private static Challenge Question(Guid accountId, DateTimeOffset expiresAt) => new()
    {
        AccountId = accountId,
        Purpose = Purpose.Action,
        Question = "12345678",
        CreatedAt = expiresAt - TimeSpan.FromMinutes(3),
        ExpiresAt = expiresAt,
        Description = "Confirm all operations: on",
    };

    private static PendingAccountChange Change(Guid accountId, Challenge question) => new()
    {
        AccountId = accountId,
        Description = question.Description!,
        Change = new ConfirmAllOperationsChange(On: true),
        ChallengeId = question.Id,
        CreatedAt = question.CreatedAt,
    };

    private static Account Registered(string email, DateTimeOffset linkExpiredAt, bool confirmed) => new()
    {
        FirstName = "Ann",
        LastName = "Example",
        Email = email,
        Phone = "+491701234567",
        SecurityQuestion = "What was on my grandmother's shelf?",
        SecurityAnswerHash = "not used here",
        CreatedAt = linkExpiredAt - TimeSpan.FromDays(2),
        EmailConfirmedAt = confirmed ? linkExpiredAt - TimeSpan.FromDays(1) : null,
    };

    /// <summary>For one account: one expired-long-ago row of each kind, and rows that are live, recently expired or kept for good.</summary>
    private static async Task<Guid> SeedAsync(CipherpadFactory factory, DateTimeOffset now)
    {
        var longAgo = now - Keep - TimeSpan.FromHours(1);
        var recently = now - TimeSpan.FromHours(1);
        var accountId = Guid.CreateVersion7();
        var lapsedWindowAccount = Guid.CreateVersion7();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();

        var oldQuestion = Question(accountId, longAgo);
        var oldQuestionOfChange = Question(accountId, longAgo);
        var recentQuestion = Question(accountId, recently);
        var liveQuestionOfChange = Question(accountId, now + TimeSpan.FromMinutes(2));
        db.Challenges.AddRange(oldQuestion, oldQuestionOfChange, recentQuestion, liveQuestionOfChange);
        db.PendingAccountChanges.AddRange(Change(accountId, oldQuestionOfChange), Change(accountId, liveQuestionOfChange));

        db.EmailConfirmations.AddRange(
            new EmailConfirmation { AccountId = accountId, TokenHash = "old", ExpiresAt = longAgo, UsedAt = longAgo - TimeSpan.FromDays(1) },
            new EmailConfirmation { AccountId = accountId, TokenHash = "used", ExpiresAt = now + TimeSpan.FromDays(1), UsedAt = recently },
            new EmailConfirmation { AccountId = accountId, TokenHash = "live", ExpiresAt = now + TimeSpan.FromDays(2) });
        db.EmailLinks.AddRange(
            new EmailLink { AccountId = accountId, Kind = EmailLinkKind.Recovery, TokenHash = "old", CreatedAt = longAgo, ExpiresAt = longAgo },
            new EmailLink { AccountId = accountId, Kind = EmailLinkKind.Recovery, TokenHash = "live", CreatedAt = now, ExpiresAt = now + TimeSpan.FromHours(1) });
        var oldCode = new ActivationCodeRecord { AccountId = accountId, CodeProtected = [1], CreatedAt = longAgo, ExpiresAt = longAgo, UsedAt = longAgo };
        var liveCode = new ActivationCodeRecord { AccountId = accountId, CodeProtected = [2], CreatedAt = now, ExpiresAt = now + TimeSpan.FromMinutes(30) };
        db.ActivationCodes.AddRange(oldCode, liveCode);
        db.ActivationSessions.AddRange(
            new ActivationSession { Id = "act_old", ActivationCodeId = oldCode.Id, EphemeralKeyProtected = [1], ExpiresAt = longAgo },
            new ActivationSession { Id = "act_live", ActivationCodeId = liveCode.Id, EphemeralKeyProtected = [2], ExpiresAt = now + TimeSpan.FromMinutes(10) });
        db.ActivationAttempts.AddRange(
            new ActivationAttempt { Subject = oldCode.Id.ToString("N"), Source = "203.0.113.1", FailedAttempts = 5, ExpiresAt = longAgo },
            new ActivationAttempt { Subject = liveCode.Id.ToString("N"), Source = "203.0.113.1", FailedAttempts = 2, ExpiresAt = liveCode.ExpiresAt });

        db.SourceThrottles.AddRange(
            // Failures only, blocked until long ago: quiet since then.
            new SourceThrottle { AccountId = accountId, Source = "answer:203.0.113.1", ConsecutiveFailures = 9, BlockedUntil = longAgo },
            // A block that ended recently, one still in force, and failures below the threshold (no time to judge them by).
            new SourceThrottle { AccountId = accountId, Source = "answer:203.0.113.2", ConsecutiveFailures = 9, BlockedUntil = recently },
            new SourceThrottle { AccountId = accountId, Source = "answer:*", ConsecutiveFailures = 25, BlockedUntil = now + TimeSpan.FromMinutes(5) },
            new SourceThrottle { AccountId = accountId, Source = "answer:203.0.113.3", ConsecutiveFailures = 2 },
            // The owner's source: it lets them past the account-wide back-off however long ago they succeeded.
            new SourceThrottle
            {
                AccountId = accountId, Source = "answer:198.51.100.7", ConsecutiveFailures = 6, BlockedUntil = longAgo, LastSuccessAt = now - TimeSpan.FromDays(400),
            });
        db.SmsQuotas.AddRange(
            new SmsQuota { AccountId = accountId, Day = Server.Storage.UtcPeriods.DayOf(longAgo - TimeSpan.FromDays(1)), Sent = 5 },
            new SmsQuota { AccountId = accountId, Day = Server.Storage.UtcPeriods.DayOf(now - TimeSpan.FromDays(2)), Sent = 2 },
            new SmsQuota { AccountId = accountId, Day = Server.Storage.UtcPeriods.DayOf(now), Sent = 1 });
        db.GuessRisks.AddRange(
            new GuessRisk { AccountId = accountId, Day = Server.Storage.UtcPeriods.DayOf(longAgo - TimeSpan.FromDays(1)), Spent = 1e-6 },
            new GuessRisk { AccountId = accountId, Day = Server.Storage.UtcPeriods.DayOf(now), Spent = 7e-8 });
        var shopId = Guid.CreateVersion7();
        db.SmsHourlyQuotas.AddRange(
            new SmsHourlyQuota { AccountId = accountId, RelyingPartyId = shopId, Hour = Server.Storage.UtcPeriods.HourOf(longAgo), Sent = 3 },
            new SmsHourlyQuota { AccountId = accountId, RelyingPartyId = SmsHourlyQuota.EveryRelyingParty, Hour = Server.Storage.UtcPeriods.HourOf(longAgo), Sent = 3 },
            new SmsHourlyQuota { AccountId = accountId, RelyingPartyId = shopId, Hour = Server.Storage.UtcPeriods.HourOf(recently), Sent = 1 },
            new SmsHourlyQuota { AccountId = accountId, RelyingPartyId = SmsHourlyQuota.EveryRelyingParty, Hour = Server.Storage.UtcPeriods.HourOf(now), Sent = 2 });

        // Registrations: one never confirmed whose link expired long ago (it goes, with its link), one whose link expired
        // only recently (registration frees its address, the pruner waits), and a confirmed account from long ago.
        var lapsed = Registered("lapsed@example.com", longAgo, confirmed: false);
        var recentlyLapsed = Registered("recent@example.com", recently, confirmed: false);
        var confirmedLongAgo = Registered("confirmed@example.com", longAgo, confirmed: true);
        db.Accounts.AddRange(lapsed, recentlyLapsed, confirmedLongAgo);
        db.EmailConfirmations.AddRange(
            new EmailConfirmation { AccountId = lapsed.Id, TokenHash = "lapsed", ExpiresAt = longAgo },
            new EmailConfirmation { AccountId = recentlyLapsed.Id, TokenHash = "recent", ExpiresAt = recently },
            new EmailConfirmation { AccountId = confirmedLongAgo.Id, TokenHash = "confirmed", ExpiresAt = longAgo, UsedAt = longAgo - TimeSpan.FromDays(1) });

        db.SpentHumanChecks.AddRange(
            new SpentHumanCheck { Challenge = new string('a', 64), ExpiresAt = longAgo },
            new SpentHumanCheck { Challenge = new string('b', 64), ExpiresAt = recently },
            new SpentHumanCheck { Challenge = new string('c', 64), ExpiresAt = now + TimeSpan.FromMinutes(10) });
        db.SignInSessions.AddRange(
            new Sessions.SignInSession { AccountId = accountId, StartedAt = longAgo, ExpiresAt = longAgo },
            new Sessions.SignInSession { AccountId = accountId, StartedAt = recently, ExpiresAt = now + TimeSpan.FromHours(1), EndedAt = recently },
            new Sessions.SignInSession { AccountId = accountId, StartedAt = now, ExpiresAt = now + TimeSpan.FromHours(12) });
        db.OutboxMessages.AddRange(
            new Notifications.OutboxMessage { Recipient = "sent@example.com", BodyProtected = [], CreatedAt = longAgo, NextAttemptAt = longAgo, SentAt = longAgo },
            new Notifications.OutboxMessage { Recipient = "gone@example.com", BodyProtected = [], CreatedAt = longAgo, NextAttemptAt = longAgo, GaveUpAt = longAgo },
            // Old but still waiting for its retry: never deleted.
            new Notifications.OutboxMessage { Recipient = "waits@example.com", BodyProtected = [4], CreatedAt = longAgo, NextAttemptAt = now + TimeSpan.FromMinutes(5) });

        db.MailQuotas.AddRange(
            new Notifications.MailQuota { Recipient = Notifications.MailQuota.ForAccount(accountId), Kind = Notifications.MailQuotaKind.NewActivationCode,
                Hour = Server.Storage.UtcPeriods.HourOf(longAgo), Sent = 5 },
            new Notifications.MailQuota { Recipient = Notifications.MailQuota.ForAddress("someone@example.com"), Kind = Notifications.MailQuotaKind.AliasConfirmation,
                Hour = Server.Storage.UtcPeriods.HourOf(now), Sent = 1 });
        db.NoticeWindows.AddRange(
            new Notifications.NoticeWindow { AccountId = accountId, Kind = Notifications.NotificationKind.FailedAttempts, StartedAt = longAgo, Events = 1 },
            // Old, but its 14 events are not told yet.
            new Notifications.NoticeWindow { AccountId = lapsedWindowAccount, Kind = Notifications.NotificationKind.FailedAttempts, StartedAt = longAgo, Events = 14 },
            new Notifications.NoticeWindow { AccountId = accountId, Kind = Notifications.NotificationKind.SuccessfulLogins, StartedAt = recently, Events = 1 });

        // OpenID Connect: a code that expired long ago goes, a refresh token still valid stays; a key retired long ago goes,
        // the current one stays.
        db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().AddRange(
            new() { Type = "authorization_code", Status = "valid", Subject = "s", CreationDate = longAgo.UtcDateTime, ExpirationDate = longAgo.UtcDateTime },
            new() { Type = "refresh_token", Status = "valid", Subject = "s", CreationDate = longAgo.UtcDateTime, ExpirationDate = (now + TimeSpan.FromDays(1)).UtcDateTime });
        db.OidcKeys.AddRange(
            new Server.Oidc.OidcKey { Id = "sig-old", KeyProtected = [1], CreatedAt = longAgo, RetiresAt = longAgo },
            new Server.Oidc.OidcKey { Id = "sig-current", KeyProtected = [2], CreatedAt = recently });

        // The key vault: a release whose ticket expired long ago and one waiting on an old question go, one waiting on a
        // live question stays; an upload never confirmed goes once its question is long gone, a recent one stays.
        // (Kept with an account that is kept: the vault's rows belong to one.)
        var item = new Server.Vault.VaultItem { AccountId = confirmedLongAgo.Id, Name = "wallet.kwm", CreatedAt = longAgo };
        var version = new Server.Vault.VaultItemVersion { ItemId = item.Id, Number = 1, CreatedAt = longAgo, Content = [1], DataKeyId = "k", WrappedDataKey = [2] };
        db.VaultItems.Add(item);
        db.VaultItemVersions.Add(version);
        db.VaultReleases.AddRange(
            new Server.Vault.VaultRelease { AccountId = confirmedLongAgo.Id, VersionId = version.Id, ChallengeId = oldQuestion.Id, Requester = "pad", CreatedAt = longAgo,
                TicketHash = "old", ExpiresAt = longAgo },
            new Server.Vault.VaultRelease { AccountId = confirmedLongAgo.Id, VersionId = version.Id, ChallengeId = oldQuestion.Id, Requester = "pad", CreatedAt = longAgo },
            new Server.Vault.VaultRelease { AccountId = confirmedLongAgo.Id, VersionId = version.Id, ChallengeId = liveQuestionOfChange.Id, Requester = "live", CreatedAt = now });
        db.VaultUploads.AddRange(
            new Server.Vault.VaultUpload { AccountId = confirmedLongAgo.Id, Name = "old", ContentProtected = [1], CreatedAt = longAgo },
            new Server.Vault.VaultUpload { AccountId = confirmedLongAgo.Id, Name = "recent", ContentProtected = [1], CreatedAt = recently });
        db.VaultExportRequests.AddRange(
            new Server.Vault.VaultExportRequest { AccountId = confirmedLongAgo.Id, ChallengeId = oldQuestion.Id, PassphraseProtected = [1], CreatedAt = longAgo },
            new Server.Vault.VaultExportRequest { AccountId = confirmedLongAgo.Id, ChallengeId = liveQuestionOfChange.Id, PassphraseProtected = [1], CreatedAt = now });

        // A passkey addition goes once it can no longer be made; a recent one stays.
        db.PasskeyRegistrations.AddRange(
            new Server.Passkeys.PasskeyRegistration { AccountId = confirmedLongAgo.Id, Name = "old", OptionsJson = "{}", CreatedAt = longAgo },
            new Server.Passkeys.PasskeyRegistration { AccountId = confirmedLongAgo.Id, Name = "recent", OptionsJson = "{}", CreatedAt = recently });

        // A request limit's count goes once its window has ended; the current window's stays.
        db.RequestWindows.AddRange(
            new Server.Security.RequestWindow { Partition = "ip:203.0.113.9", WindowStart = now - TimeSpan.FromMinutes(2), EndsAt = now - TimeSpan.FromMinutes(1), Taken = 7 },
            new Server.Security.RequestWindow { Partition = "ip:203.0.113.9", WindowStart = now - TimeSpan.FromSeconds(30), EndsAt = now + TimeSpan.FromSeconds(30), Taken = 1 });

        // Kept for good, however old.
        db.FeeLedger.Add(new FeeLedgerEntry { AccountId = accountId, ChallengeId = oldQuestion.Id, At = longAgo, Currency = "USD", MinorUnits = 5, Reason = "SMS" });
        db.AuthorizationLog.Add(new AuthorizationLogEntry { AccountId = accountId, At = longAgo, Result = "success", Method = "app", Purpose = "login", ChallengeId = oldQuestion.Id });
        db.RecoveryRecords.Add(new RecoveryRecord { AccountId = accountId, At = longAgo });
        db.RelyingParties.Add(new RelyingParty { Name = "Gone Shop", ClientId = "rp_gone", ClientSecretHash = "00", CreatedAt = longAgo, DisabledAt = longAgo });
        db.Devices.Add(new Device { AccountId = accountId, Name = "old pad", SecretProtected = [3], ActivatedAt = longAgo, RevokedAt = longAgo });
        await db.SaveChangesAsync();
        return accountId;
    }

    [Fact]
    public async Task Data_expired_longer_than_the_keeping_time_is_deleted_and_nothing_else()
    {
        using var factory = await CreateFactoryAsync();
        var now = factory.Time.GetUtcNow();
        var accountId = await SeedAsync(factory, now);

        var result = await PruneAsync(factory, now);

        Assert.Equal(new PruneResult(PendingAccountChanges: 1, Challenges: 2, UnconfirmedAccounts: 1, EmailConfirmations: 3, EmailLinks: 1,
            ActivationSessions: 1, ActivationCodes: 1, ActivationAttempts: 1, SourceThrottles: 1, SmsQuotaDays: 1, SmsQuotaHours: 2, GuessRiskDays: 1, SpentHumanChecks: 1, SignInSessions: 1,
            OutboxMessages: 2, MailQuotaHours: 1, NoticeWindows: 1, OidcTokens: 1, OidcAuthorizations: 0, OidcKeys: 1, VaultReleases: 2, VaultUploads: 1, VaultExports: 1,
            PasskeyRegistrations: 1, RequestWindows: 1), result);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        var live = await db.Challenges.Where(c => c.AccountId == accountId && c.ExpiresAt > now).SingleAsync();
        Assert.Equal(live.Id, (await db.PendingAccountChanges.SingleAsync(c => c.AccountId == accountId)).ChallengeId);
        Assert.Equal(2, await db.Challenges.CountAsync(c => c.AccountId == accountId));
        Assert.Contains("waits@example.com", await db.OutboxMessages.Select(m => m.Recipient).ToListAsync());
        Assert.Equal([14, 1], (await db.NoticeWindows.Select(w => w.Events).ToListAsync()).OrderDescending());
        Assert.Equal(Notifications.MailQuota.ForAddress("someone@example.com"), (await db.MailQuotas.SingleAsync()).Recipient);
        Assert.Equal(2, await db.SignInSessions.CountAsync(s => s.AccountId == accountId));
        Assert.Equal("live", (await db.VaultReleases.SingleAsync()).Requester);
        Assert.Equal("recent", (await db.VaultUploads.SingleAsync()).Name);
        Assert.Equal("recent", (await db.PasskeyRegistrations.SingleAsync()).Name);
        Assert.Equal(1, (await db.RequestWindows.SingleAsync()).Taken);
        Assert.Equal(["live", "used"], (await db.EmailConfirmations.Where(c => c.AccountId == accountId).Select(c => c.TokenHash).ToListAsync()).Order());
        Assert.Equal("live", (await db.EmailLinks.SingleAsync(l => l.AccountId == accountId)).TokenHash);
        Assert.Equal("act_live", (await db.ActivationSessions.SingleAsync()).Id);
        Assert.Single(await db.ActivationCodes.Where(c => c.AccountId == accountId).ToListAsync());
        Assert.Equal(["answer:*", "answer:198.51.100.7", "answer:203.0.113.2", "answer:203.0.113.3"],
            (await db.SourceThrottles.Where(t => t.AccountId == accountId).Select(t => t.Source).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(2, await db.SmsQuotas.CountAsync(q => q.AccountId == accountId));
        Assert.Equal(2, await db.SmsHourlyQuotas.CountAsync(q => q.AccountId == accountId));
        Assert.Equal(1, await db.FeeLedger.CountAsync(f => f.AccountId == accountId));
        Assert.Equal(1, await db.AuthorizationLog.CountAsync(e => e.AccountId == accountId));
        Assert.Equal(1, await db.RecoveryRecords.CountAsync(r => r.AccountId == accountId));
        Assert.Equal(1, await db.Devices.CountAsync(d => d.AccountId == accountId));
        Assert.Equal(2, (await db.ActivationAttempts.SingleAsync()).FailedAttempts);
        Assert.Equal(7e-8, (await db.GuessRisks.SingleAsync()).Spent);
        Assert.True(await db.RelyingParties.AnyAsync(r => r.ClientId == "rp_gone"));
        Assert.Equal("refresh_token", (await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().SingleAsync()).Type);
        Assert.Equal("sig-current", (await db.OidcKeys.SingleAsync()).Id);
        Assert.Equal(["confirmed@example.com", "recent@example.com"], (await db.Accounts.Select(a => a.Email).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(["recent"], await db.EmailConfirmations.Where(c => c.TokenHash == "recent" || c.TokenHash == "lapsed" || c.TokenHash == "confirmed")
            .Select(c => c.TokenHash).ToListAsync());
        Assert.Equal([new string('b', 64), new string('c', 64)], (await db.SpentHumanChecks.Select(c => c.Challenge).ToListAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_second_run_finds_nothing_left_to_delete()
    {
        using var factory = await CreateFactoryAsync();
        var now = factory.Time.GetUtcNow();
        await SeedAsync(factory, now);

        var first = await PruneAsync(factory, now);
        var second = await PruneAsync(factory, now);

        Assert.Equal(30, first.Total);
        Assert.Equal(0, second.Total);
    }

    [Fact]
    public async Task More_rows_than_one_batch_are_all_deleted_in_one_run()
    {
        using var factory = await CreateFactoryAsync();
        var now = factory.Time.GetUtcNow();
        var accountId = Guid.CreateVersion7();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            db.Challenges.AddRange(Enumerable.Range(0, 2 * new PruningOptions().BatchSize + 7).Select(_ => Question(accountId, now - Keep - TimeSpan.FromMinutes(1))));
            await db.SaveChangesAsync();
        }

        var result = await PruneAsync(factory, now);

        Assert.Equal(2 * new PruningOptions().BatchSize + 7, result.Challenges);
    }

    [Fact]
    public async Task A_change_waiting_for_the_cipher_pad_keeps_its_question_until_both_are_long_expired()
    {
        using var factory = await CreateFactoryAsync();
        var phone = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        Guid accountId, changeId;
        string question;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            accountId = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.Select(a => a.Id).SingleAsync();
            var change = await scope.ServiceProvider.GetRequiredService<AccountChanges>()
                .RequestAsync(accountId, new ConfirmAllOperationsChange(On: true), "Confirm all operations: on", default);
            var challenge = await scope.ServiceProvider.GetRequiredService<CipherpadDbContext>().Challenges.SingleAsync(c => c.Id == change!.ChallengeId);
            (changeId, question) = (change!.Id, challenge.Question);
        }

        Assert.Equal(0, (await PruneAsync(factory, factory.Time.GetUtcNow())).PendingAccountChanges);
        using var keys = new DeviceKeys(phone);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var confirmed = await scope.ServiceProvider.GetRequiredService<AccountChanges>().ConfirmAsync(accountId, changeId,
                Answer.Compute(keys, Purpose.Action, question, factory.Time.GetUtcNow()), "192.0.2.1", null, default);
            Assert.Equal(VerifyResult.Success, confirmed.Result);
        }
        var later = await PruneAsync(factory, factory.Time.GetUtcNow() + TimeSpan.FromMinutes(3) + Keep + TimeSpan.FromSeconds(1));

        Assert.Equal(1, later.PendingAccountChanges);
        Assert.Equal(1, later.Challenges);
        await using var check = factory.Services.CreateAsyncScope();
        Assert.True((await check.ServiceProvider.GetRequiredService<CipherpadDbContext>().Accounts.SingleAsync()).ConfirmAllOperations);
    }
}

public sealed class SqlitePruningScenarios : PruningScenarios
{
    protected override Task<CipherpadFactory> CreateFactoryAsync() => Task.FromResult(new CipherpadFactory(DatabaseProvider.Sqlite, null));
}

[Collection(PostgresDatabaseGroup.Name)]
public sealed class PostgresPruningScenarios(PostgresServer postgres) : PruningScenarios
{
    protected override async Task<CipherpadFactory> CreateFactoryAsync() =>
        new(DatabaseProvider.PostgreSql, await postgres.CreateDatabaseAsync());
}

/// <summary>The background run: on its interval, and still running after a failed run.</summary>
public sealed class PruningServiceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cipherpad-test-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_failed_run_is_logged_and_the_next_run_prunes()
    {
        Directory.CreateDirectory(_directory);
        var settings = new CipherpadOptions { DataDirectory = _directory };
        var collection = new ServiceCollection().AddSingleton(Options.Create(settings)).AddCipherpadStorage(settings).AddScoped<DataPruner>();
        collection.AddOpenIddict().AddCore(core => core.UseEntityFrameworkCore().UseDbContext<CipherpadDbContext>()); // its tokens are pruned too
        await using var services = collection.BuildServiceProvider();
        var log = new RecordingLogger();
        var time = new HurriedTime();
        using var pruning = new PruningService(services.GetRequiredService<IServiceScopeFactory>(), Options.Create(settings), time, log);

        await pruning.StartAsync(default);
        await log.WaitForAsync(LogLevel.Error); // no tables yet
        await services.MigrateDatabaseAsync();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
            db.Challenges.Add(new Challenge { Question = "12345678", ExpiresAt = time.GetUtcNow() - TimeSpan.FromDays(30) });
            await db.SaveChangesAsync();
        }
        var pruned = await log.WaitForAsync(LogLevel.Information);
        await pruning.StopAsync(default);

        Assert.Contains("questions: 1", pruned, StringComparison.Ordinal);
    }

    /// <summary>The real clock, with every timer firing after 50 ms.</summary>
    private sealed class HurriedTime : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, TimeSpan.FromMilliseconds(50), period == Timeout.InfiniteTimeSpan ? period : TimeSpan.FromMilliseconds(50));
    }

    private sealed class RecordingLogger : ILogger<PruningService>
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Enqueue((logLevel, formatter(state, exception)));

        public async Task<string> WaitForAsync(LogLevel level)
        {
            for (var waited = 0; waited < 200; waited++)
            {
                if (_entries.FirstOrDefault(e => e.Level == level) is { Message: not null } entry)
                {
                    return entry.Message;
                }
                await Task.Delay(50);
            }
            throw new TimeoutException($"Nothing was logged at {level}; logged: {string.Join(" | ", _entries)}");
        }
    }
}
