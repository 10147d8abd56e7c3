using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Challenges;

public enum VerifyResult
{
    Success,
    Wrong,
    Expired,
    Locked,
    AlreadyUsed,
    Throttled,
    Denied,
}

public sealed record VerifyOutcome(VerifyResult Result, int AttemptsLeft, TimeSpan? RetryAfter = null, Guid? AccountId = null);

/// <summary>
/// Issues questions and checks answers. Limits are enforced with conditional updates in the database, so they hold
/// under concurrent requests and across server instances: a question succeeds once, locks after the configured
/// number of wrong answers, and a source that keeps failing against an account backs off exponentially — the
/// account's owner, answering from another source, is never locked out.
/// </summary>
public sealed class ChallengeService(
    CipherpadDbContext db,
    AccountMethods methods,
    AuthorizationLogWriter log,
    SourceThrottles throttles,
    GuessRisks risks,
    AccountDirectory directory,
    Notifier notifier,
    WriteTransactions writes,
    StatementBatch trailing,
    Webhooks.QuestionWebhooks webhooks,
    Observability.CipherpadMetrics metrics,
    NobodysPads nobodysPads,
    IOptions<CipherpadOptions> options,
    TimeProvider time)
{
    private const string ThrottleScope = "answer";

    private ChallengeOptions Settings => options.Value.Challenges;

    /// <summary>
    /// Issues a question to the account behind <paramref name="login"/> through <paramref name="method"/>: the account
    /// must have the method on, and the method must be able to carry this purpose to it. Nothing is saved on a refusal.
    /// </summary>
    public async Task<Result<Challenge>> CreateAsync(RelyingParty party, string login, Purpose purpose, string? description, PaymentDetails? payment,
        string method = CipherPadMethod.MethodName, CancellationToken cancellationToken = default)
    {
        try
        {
            return await CreateReadingAheadAsync(party, login, purpose, description, payment, method, onPage: false, cancellationToken);
        }
        finally
        {
            db.ForgetReadsAhead();
        }
    }

    private async Task<Result<Challenge>> CreateReadingAheadAsync(RelyingParty party, string login, Purpose purpose, string? description,
        PaymentDetails? payment, string method, bool onPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(login);
        var answerMethod = methods.Find(method);
        if (answerMethod is null)
        {
            return Errors.UnknownMethod(method, methods.Registered.Select(m => m.Name));
        }
        // What the next steps read of the account (whether the method is on, what the method itself reads, today's guess budget)
        // goes to the database in the lookup's command when the address is still the account's it was last time, otherwise
        // in one command after it.
        IReadOnlyList<ReadAhead> ReadsOf(Guid accountId) =>
            [AccountMethods.IsOnRead(accountId, answerMethod.Name), .. answerMethod.ReadsFor(accountId), risks.SpentRead(accountId)];
        Account? account;
        var readAhead = true;
        if (onPage)
        {
            // A page anyone can reach sends the same statements whatever the address: the lookup, then one command with the
            // reads of the account found (or of none) and the unanswerable question's guess budget.
            account = await directory.FindAsync(login, cancellationToken);
            await db.ReadAheadAsync([.. ReadsOf(account?.Id ?? Guid.NewGuid()), risks.SpentRead(NobodysAccountId(login))], cancellationToken);
        }
        else
        {
            (account, readAhead) = await directory.FindReadingAheadAsync(login, party.Id, ReadsOf, cancellationToken);
        }
        if (account?.MethodsChosenAt is null)
        {
            return Errors.UnknownAccount(login);
        }
        if (!readAhead)
        {
            await db.ReadAheadAsync(ReadsOf(account.Id), cancellationToken);
        }
        if (!await methods.IsOnAsync(account.Id, answerMethod.Name, cancellationToken))
        {
            return Errors.MethodNotEnabled(answerMethod.DisplayName);
        }
        var request = new AnswerMethodRequest(login.Trim(), account, party, purpose, description, payment);
        if (await answerMethod.CanIssueAsync(request, cancellationToken) is { } refused)
        {
            return refused;
        }
        var challenge = await NewQuestionAsync(party, account.Id, purpose, answerMethod.Name,
            parts => answerMethod.GuessChanceAsync(account.Id, parts, cancellationToken), cancellationToken);
        challenge.Description = description;
        challenge.Payee = payment?.Payee;
        challenge.Amount = payment?.Amount;
        challenge.Currency = payment?.Currency.Code;
        // What the method writes to get the question to the user (an SMS in the outbox) commits with the question. A question
        // lost to a power cut costs the user a new one, so the answer does not wait for the disk.
        return await writes.RunWithoutWaitingForDiskAsync<Result<Challenge>>(async () =>
        {
            if (await answerMethod.IssueAsync(request, challenge, cancellationToken) is { } failed)
            {
                return failed;
            }
            await SaveNewAsync(party, challenge, cancellationToken);
            return challenge;
        }, cancellationToken);
    }

    /// <summary>
    /// A question for an e-mail that has no account able to answer it (no account, no cipher pad), made, stored, shown and
    /// refused exactly like a real one, so that a page a stranger can reach looks the same whether or not the e-mail has an
    /// account: the same purpose and details, sealed for nobody's pads of that address (<see cref="NobodysPads"/>), whose key
    /// ids stay the same from one question to the next as a real account's pads' do. No answer is right for it; its wrong
    /// answers lock it and back the source off as for an account (keyed by an id derived from the e-mail), and leave nothing
    /// in any log.
    /// </summary>
    private async Task<Challenge> CreateUnanswerableAsync(RelyingParty party, string login, Purpose purpose, string? description, PaymentDetails? payment,
        CancellationToken cancellationToken)
    {
        var pads = await nobodysPads.ForAsync(login, cancellationToken);
        try
        {
            var challenge = await NewQuestionAsync(party, NobodysAccountId(login), purpose, Unanswerable,
                parts => Task.FromResult(UnanswerableChance(pads.Count, parts)), cancellationToken);
            (challenge.Description, challenge.Payee, challenge.Amount, challenge.Currency) = (description, payment?.Payee, payment?.Amount, payment?.Currency.Code);
            challenge.QrPayload = CipherPadMethod.PayloadFor(purpose, party.Name, challenge.Question, description, payment, challenge.ExpiresAt).Seal([.. pads]);
            await writes.RunWithoutWaitingForDiskAsync(() => SaveNewAsync(party, challenge, cancellationToken), cancellationToken);
            return challenge;
        }
        finally
        {
            foreach (var pad in pads)
            {
                pad.Dispose();
            }
        }
    }

    /// <summary>
    /// The question a page shows to whoever typed <paramref name="login"/>: the real one when the account can answer it by
    /// <paramref name="method"/>, otherwise <see cref="CreateUnanswerableAsync"/>'s — whether the e-mail has an account able
    /// to answer, by this method, is not for a visitor to learn (no SMS goes, no pad is asked, the page looks the same).
    /// Details too long to show on a cipher pad are refused whatever the address, before it is looked up: sized for the most
    /// pads and the longest question, so that no account's question is refused over its pads where nobody's is not.
    /// </summary>
    public async Task<Result<Challenge>> AskOnPageAsync(RelyingParty party, string login, Purpose purpose, string? description, PaymentDetails? payment,
        string method, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        var longestQuestion = string.Join(Question.Separator, Enumerable.Repeat(new string('0', Settings.QuestionLength), Question.MaxParts));
        var longest = CipherPadMethod.PayloadFor(purpose, party.Name, longestQuestion, description, payment, time.GetUtcNow() + Settings.Lifetime);
        if (CipherPadMethod.TooLong(longest, purpose, Core.Payloads.RequestPayload.MaxDevices) is { } tooLong)
        {
            return tooLong;
        }
        try
        {
            var created = await CreateReadingAheadAsync(party, login, purpose, description, payment, method, onPage: true, cancellationToken);
            return created.Succeeded ? created.Value : await CreateUnanswerableAsync(party, login, purpose, description, payment, cancellationToken);
        }
        finally
        {
            db.ForgetReadsAhead();
        }
    }

    /// <summary>
    /// Inserts the new question (along with whatever the request's context has staged, such as an SMS in the outbox), and
    /// the webhook event that reports it expired if it is still unanswered then.
    /// </summary>
    private async Task SaveNewAsync(RelyingParty party, Challenge challenge, CancellationToken cancellationToken)
    {
        webhooks.WatchExpiry(party, challenge);
        const string Insert = """
            INSERT INTO "Challenges" ("Id", "RelyingPartyId", "AccountId", "Purpose", "Question", "CreatedAt", "ExpiresAt", "WrongAnswers", "Status",
                "Description", "Payee", "Amount", "Currency", "Method", "AnswerProtected", "QrPayload", "MatchNumber")
            VALUES (@Id, @RelyingPartyId, @AccountId, @Purpose, @Question, @CreatedAt, @ExpiresAt, @WrongAnswers, @Status,
                @Description, @Payee, @Amount, @Currency, @Method, @AnswerProtected, @QrPayload, @MatchNumber)
            """;
        var row = new
        {
            challenge.Id, challenge.RelyingPartyId, challenge.AccountId, Purpose = challenge.Purpose.ToString(), challenge.Question, challenge.CreatedAt,
            challenge.ExpiresAt, challenge.WrongAnswers, Status = challenge.Status.ToString(), challenge.Description, challenge.Payee, challenge.Amount,
            challenge.Currency, challenge.Method, challenge.AnswerProtected, challenge.QrPayload, challenge.MatchNumber,
        };
        if (db.ChangeTracker.HasChanges())
        {
            await db.ExecuteAsync(Insert, row, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            await writes.ExecuteLastAsync(Insert, row, cancellationToken);
        }
        metrics.QuestionIssued(challenge.Method, challenge.Purpose.WireName());
    }

    /// <summary>A pending question, given as many parts as the account's guess budget for the day calls for; not yet saved.</summary>
    private async Task<Challenge> NewQuestionAsync(RelyingParty party, Guid accountId, Purpose purpose, string method,
        Func<int, Task<double>> chanceOfGuess, CancellationToken cancellationToken)
    {
        var parts = await risks.PartsForNewQuestionAsync(accountId, chanceOfGuess, cancellationToken);
        var now = time.GetUtcNow();
        return new Challenge
        {
            RelyingPartyId = party.Id,
            AccountId = accountId,
            Purpose = purpose,
            Question = Question.Generate(Settings.QuestionLength, parts),
            CreatedAt = now,
            ExpiresAt = now + Settings.Lifetime,
            Status = ChallengeStatus.Pending,
            Method = method,
        };
    }

    /// <summary>An unanswerable question spends the guess budget like the account of as many pads as it names, so that both grow longer alike.</summary>
    private double UnanswerableChance(int pads, int parts) => CipherPadMethod.ChanceOfGuess(pads, Settings, parts);

    /// <summary>How many pads <paramref name="challenge"/>'s QR code names.</summary>
    private static int PadsNamed(Challenge challenge) =>
        challenge.QrPayload is { } sealedText ? Math.Max(1, Core.Payloads.RequestPayload.DevicesSealedFor(sealedText)) : 1;

    /// <summary>The <see cref="Challenge.Method"/> of <see cref="CreateUnanswerableAsync"/>'s questions: no method answers it.</summary>
    public const string Unanswerable = "none";

    private static Guid NobodysAccountId(string login) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes("Cipherpad unanswerable question:" + Accounts.AccountRules.NormalizeEmail(login))).AsSpan(0, 16));

    /// <summary>The question, if it is <paramref name="relyingPartyId"/>'s: no relying party sees another's.</summary>
    public async Task<Challenge?> FindAsync(Guid relyingPartyId, Guid challengeId, CancellationToken cancellationToken = default) =>
        await db.SingleOrDefaultAsync<Challenge>(FindSql, new { challengeId }, cancellationToken) is { } challenge && challenge.RelyingPartyId == relyingPartyId
            ? challenge
            : null;

    /// <summary>
    /// <see cref="FindAsync"/>'s read, to send ahead: the relying-party API sends it with the caller's authentication, and the
    /// question is given only to the relying party it belongs to, once authenticated.
    /// </summary>
    public static ReadAhead FindRead(Guid challengeId) => ReadAhead.SingleOrDefault<Challenge>(FindSql, new { challengeId });

    private const string FindSql = """SELECT * FROM "Challenges" WHERE "Id" = @challengeId""";

    private const string ReserveAttemptSql = """
        UPDATE "Challenges" SET "WrongAnswers" = "WrongAnswers" + 1
        WHERE "Id" = @Id AND "Status" = @pending AND "ExpiresAt" > @now AND "WrongAnswers" < @max
        RETURNING "WrongAnswers"
        """;

    public async Task<VerifyOutcome> VerifyAsync(RelyingParty party, Challenge challenge, string typedAnswer, string source,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(challenge);
        var now = time.GetUtcNow();
        var purpose = challenge.Purpose.WireName();
        async Task<VerifyOutcome> Refused(VerifyResult result, int left, TimeSpan? retryAfter = null)
        {
            if (challenge.Method == Unanswerable)
            {
                return new VerifyOutcome(result, left, retryAfter, challenge.AccountId); // nobody's log to write to
            }
            await log.AppendAsync(challenge.AccountId, ResultName(result), challenge.Method, purpose, party.Name, source, null, challenge.Id,
                Details(challenge), cancellationToken);
            return new VerifyOutcome(result, left, retryAfter, challenge.AccountId);
        }

        switch (challenge.Status)
        {
            case ChallengeStatus.Succeeded:
                return await Refused(VerifyResult.AlreadyUsed, 0);
            case ChallengeStatus.Locked:
                return await Refused(VerifyResult.Locked, 0);
            case ChallengeStatus.Denied:
                return await Refused(VerifyResult.Denied, 0);
        }
        if (challenge.ExpiresAt <= now)
        {
            return await Refused(VerifyResult.Expired, 0);
        }
        // Everything from here commits in one transaction, and the answer is given only once that commit is durable: the
        // reservations below, the verdict, and what it records.
        try
        {
            return await writes.RunAsync(() => ReserveAndCheckAsync(party, challenge, typedAnswer, source, now, Refused, cancellationToken), cancellationToken);
        }
        finally
        {
            db.ForgetReadsAhead();
        }
    }

    private async Task<VerifyOutcome> ReserveAndCheckAsync(RelyingParty party, Challenge challenge, string typedAnswer, string source, DateTimeOffset now,
        Func<VerifyResult, int, TimeSpan?, Task<VerifyOutcome>> refused, CancellationToken cancellationToken)
    {
        var purpose = challenge.Purpose.WireName();
        var where = $"{party.Name}, from {source}";
        // The source's attempt is counted first, and one of the question's attempts is reserved in the same command, before
        // the answer is looked at, so however many answers arrive at once, no more than the limits are ever evaluated. A
        // right answer gives its attempt back, and so does a source that must wait. What checking the answer and telling the
        // owner will read goes in the same command too.
        var answerMethod = methods.Find(challenge.Method);
        var attempt = ReadAhead.SingleOrDefault<int?>(ReserveAttemptSql,
            new { challenge.Id, pending = nameof(ChallengeStatus.Pending), now, max = Settings.MaxWrongAnswers });
        var wait = await throttles.TryReserveAsync(challenge.AccountId, ThrottleScope, source, cancellationToken, accountWide: false,
            [attempt, .. answerMethod?.ReadsFor(challenge.AccountId) ?? [], Notifier.ChosenKindsRead(challenge.AccountId)]);
        var wrongAnswers = db.SentAhead<int?>(attempt);
        if (wait is not null)
        {
            if (wrongAnswers is not null)
            {
                await db.ExecuteAsync("""UPDATE "Challenges" SET "WrongAnswers" = "WrongAnswers" - 1 WHERE "Id" = @Id""", new { challenge.Id }, cancellationToken);
            }
            return await refused(VerifyResult.Throttled, Math.Max(0, Settings.MaxWrongAnswers - challenge.WrongAnswers), wait);
        }
        if (wrongAnswers is null)
        {
            return await refused(await SettledAsync(challenge.Id, now, cancellationToken), 0, null);
        }

        // The answer's chance of being right is taken from the account's budget for the day before it is evaluated too. A
        // question too easy for what is left of the budget cannot be answered any more: the next one has more parts.
        var parts = Question.PartCount(challenge.Question);
        var chance = answerMethod is not null
            ? await answerMethod.GuessChanceAsync(challenge.AccountId, parts, cancellationToken)
            : UnanswerableChance(PadsNamed(challenge), parts);
        if (!await risks.TryTakeAsync(challenge.AccountId, chance, cancellationToken))
        {
            var lockedForBudget = await LockAsync(challenge.Id, cancellationToken);
            var outcome = await refused(VerifyResult.Locked, 0, null);
            if (lockedForBudget)
            {
                await notifier.NotifyAsync(challenge.AccountId, NotificationKind.FailedAttempts,
                    $"A {(Text)purpose} question for your account was locked: so many wrong answers were tried today that your next questions are longer.", where,
                    cancellationToken);
            }
            return outcome;
        }
        var check = answerMethod is not null
            ? await answerMethod.CheckAsync(challenge, typedAnswer, now, cancellationToken)
            : AnswerCheck.Wrong; // a method no longer offered answers nothing
        if (check.Correct && answerMethod is not null)
        {
            // The accepted answer, what its method writes for it (a fee), its log entry and the notice commit together: a
            // crash leaves all of them or none.
            (challenge.Status, challenge.AnsweredAt, challenge.DeviceId) = (ChallengeStatus.Succeeded, now, check.DeviceId);
            await answerMethod.AcceptedAsync(challenge, party, cancellationToken);
            webhooks.QuestionAnswered(party, challenge, now);
            // What nothing in this transaction reads again goes as one command at the end, after the question is marked
            // answered: the budget given back, the log entry, the source's count reset.
            risks.GiveBack(trailing, challenge.AccountId, chance);
            log.Append(trailing, challenge.AccountId, ResultName(VerifyResult.Success), challenge.Method, purpose, party.Name, source, check.DeviceId,
                challenge.Id, Details(challenge));
            if (db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            if (challenge.Purpose == Purpose.Login)
            {
                await notifier.NotifyAsync(challenge.AccountId, NotificationKind.SuccessfulLogins, "You logged in.", where, cancellationToken);
            }
            else if (challenge.Purpose == Purpose.Payment)
            {
                await notifier.NotifyAsync(challenge.AccountId, NotificationKind.PaymentConfirmations, $"You confirmed a payment: {Details(challenge)}.", where,
                    cancellationToken);
            }
            throttles.RecordSuccess(trailing, challenge.AccountId, ThrottleScope, source, accountWide: false);
            var won = await trailing.ExecuteAfterAsync(
                """
                UPDATE "Challenges" SET "Status" = @succeeded, "AnsweredAt" = @now, "DeviceId" = @DeviceId, "WrongAnswers" = "WrongAnswers" - 1
                WHERE "Id" = @Id AND "Status" = @pending
                RETURNING "Id"
                """, new { challenge.Id, succeeded = nameof(ChallengeStatus.Succeeded), now, check.DeviceId, pending = nameof(ChallengeStatus.Pending) },
                cancellationToken);
            if (!won)
            {
                // The attempt reserved above holds the question's row until this transaction ends (a row lock on PostgreSQL, the
                // one hot-path connection on SQLite), so nothing else can have settled it. Should it ever happen, nothing of
                // this answer may stand: the transaction is rolled back.
                throw new InvalidOperationException($"The question {challenge.Id} was settled by another request while this one held it.");
            }
            // Answered: the question takes no more answers, so none are left (as for already-used, and as a read says).
            return new VerifyOutcome(VerifyResult.Success, 0, null, challenge.AccountId);
        }

        var lockedNow = wrongAnswers >= Settings.MaxWrongAnswers && await LockAsync(challenge.Id, cancellationToken);
        var left = Math.Max(0, Settings.MaxWrongAnswers - wrongAnswers.Value);
        var wrong = await refused(left == 0 ? VerifyResult.Locked : VerifyResult.Wrong, left, null);
        if (lockedNow)
        {
            await notifier.NotifyAsync(challenge.AccountId, NotificationKind.FailedAttempts,
                $"A {(Text)purpose} question for your account was locked after {Settings.MaxWrongAnswers} wrong answers.", where, cancellationToken);
        }
        return wrong;
    }

    /// <summary>
    /// The owner refused a pending question on <paramref name="deviceId"/>'s pad: it takes no answer any more, the refusal is
    /// logged, and the owner is mailed whatever they chose to be told. Returns <see cref="VerifyResult.Denied"/> for the one
    /// call that denied it, otherwise why it was already settled.
    /// </summary>
    public async Task<VerifyResult> DenyAsync(RelyingParty party, Challenge challenge, Guid deviceId, string reason, string source,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(challenge);
        var now = time.GetUtcNow();
        return await writes.RunAsync(async () =>
        {
            var denied = await db.ExecuteAsync(
                """
                UPDATE "Challenges" SET "Status" = @denied, "AnsweredAt" = @now, "DeviceId" = @deviceId
                WHERE "Id" = @Id AND "Status" = @pending AND "ExpiresAt" > @now
                """, new { challenge.Id, denied = nameof(ChallengeStatus.Denied), now, deviceId, pending = nameof(ChallengeStatus.Pending) }, cancellationToken);
            if (denied == 0)
            {
                return await SettledAsync(challenge.Id, now, cancellationToken);
            }
            var purpose = challenge.Purpose.WireName();
            await log.AppendAsync(challenge.AccountId, ResultName(VerifyResult.Denied), challenge.Method, purpose, party.Name, source, deviceId, challenge.Id,
                Details(challenge) is { } details ? $"{details}; {reason}" : reason, cancellationToken);
            webhooks.QuestionDenied(party, challenge, now);
            await notifier.NotifyAsync(challenge.AccountId, NotificationKind.SecurityChanges, $"A {(Text)purpose} request from {party.Name} was refused on your phone pad",
                $"refused from {source}: {reason}. Nothing was granted; if you did not start it, someone may know your password at {party.Name}", cancellationToken);
            if (db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            return VerifyResult.Denied;
        }, cancellationToken);
    }

    /// <summary>
    /// Takes the owner's approval of <paramref name="challengeId"/> on the phone pad for a page of this server to act on:
    /// true for the one call that does, while the question is approved and unexpired; every later call, and a question not
    /// approved (pending, denied, locked) or of another relying party, gets false.
    /// </summary>
    public async Task<bool> RedeemApprovalAsync(Guid relyingPartyId, Guid challengeId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return await db.ExecuteAsync(
            """
            UPDATE "Challenges" SET "RedeemedAt" = @now
            WHERE "Id" = @challengeId AND "RelyingPartyId" = @relyingPartyId AND "Method" = @push AND "Status" = @succeeded AND "RedeemedAt" IS NULL
              AND "ExpiresAt" > @now
            """, new { challengeId, relyingPartyId, now, push = AnswerMethods.Push.PushMethod.MethodName, succeeded = nameof(ChallengeStatus.Succeeded) },
            cancellationToken) == 1;
    }

    /// <summary>Locks a pending question; true for the one call that did.</summary>
    private async Task<bool> LockAsync(Guid challengeId, CancellationToken cancellationToken) =>
        await db.ExecuteAsync("""UPDATE "Challenges" SET "Status" = @locked WHERE "Id" = @challengeId AND "Status" = @pending""",
            new { challengeId, locked = nameof(ChallengeStatus.Locked), pending = nameof(ChallengeStatus.Pending) }, cancellationToken) == 1;

    /// <summary>Why a question that can take no more answers cannot: answered, expired, or out of attempts.</summary>
    private async Task<VerifyResult> SettledAsync(Guid challengeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = (await db.SingleOrDefaultAsync<Challenge>("""SELECT * FROM "Challenges" WHERE "Id" = @challengeId""", new { challengeId },
            cancellationToken))!;
        return current.Status switch
        {
            ChallengeStatus.Succeeded => VerifyResult.AlreadyUsed,
            ChallengeStatus.Denied => VerifyResult.Denied,
            ChallengeStatus.Pending when current.ExpiresAt <= now => VerifyResult.Expired,
            _ => VerifyResult.Locked,
        };
    }

    /// <summary>What was being confirmed, for the authorization log.</summary>
    public static string? Details(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return challenge.Purpose switch
        {
            Purpose.Payment => $"pay {challenge.Amount} {challenge.Currency} to {challenge.Payee}",
            Purpose.Action => challenge.Description,
            _ => null,
        };
    }

    public static string ResultName(VerifyResult result) => result switch
    {
        VerifyResult.Success => "success",
        VerifyResult.Wrong => "wrong",
        VerifyResult.Expired => "expired",
        VerifyResult.Locked => "locked",
        VerifyResult.AlreadyUsed => "already-used",
        VerifyResult.Denied => "denied",
        _ => "throttled",
    };
}
