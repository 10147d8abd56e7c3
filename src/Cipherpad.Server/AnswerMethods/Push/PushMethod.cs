using System.Security.Cryptography;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.AnswerMethods.Push;

/// <summary>
/// Approval on the phone pad: the question goes to the account's pads that approve requests, which show the verified
/// request and ask the person to type the two-digit number the site shows (number matching, against approving by a
/// careless tap) before the pad answers the question itself (<see cref="PadApprovals"/>). The answer is the cipher pad's,
/// so sealing, the chance of a guess and the check are <see cref="CipherPadMethod"/>'s; a typed answer works too.
/// </summary>
public sealed class PushMethod(CipherPadMethod pad, CipherpadDbContext db, Notifications.Outbox outbox, IOptions<CipherpadOptions> options,
    TimeProvider time)
    : IAnswerMethod
{
    public const string MethodName = "push";

    /// <summary>The numbers a site shows for the person to choose on the pad: two digits.</summary>
    public const int LowestMatchNumber = 10, HighestMatchNumber = 99;

    private PushOptions Settings => options.Value.Push;

    public string Name => MethodName;

    public string DisplayName => "approval on the phone pad";

    public string Description => "Approval on the phone pad (it shows the request; you type the number the site shows)";

    public async Task<CipherpadError?> CanIssueAsync(AnswerMethodRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(await pad.ActiveAsync(request.Account.Id, cancellationToken)).Any(d => d.ApprovesSince is not null))
        {
            return Errors.NoApprovingPad(request.Login);
        }
        return await PausedForAsync(request.Account.Id, cancellationToken) is { } pause ? Errors.PushPaused(pause) : null;
    }

    public async Task<CipherpadError?> IssueAsync(AnswerMethodRequest request, Challenge challenge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(challenge);
        if (await pad.IssueAsync(request, challenge, cancellationToken) is { } refused)
        {
            return refused; // before the quota: a question that cannot be sealed takes nothing from it
        }
        var now = time.GetUtcNow();
        var hour = UtcPeriods.HourOf(now);
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "PushHourlyQuotas" ("AccountId", "Hour", "Sent") VALUES ({request.Account.Id}, {hour.UtcTicks}, 0) ON CONFLICT DO NOTHING""",
            cancellationToken);
        var taken = await db.PushHourlyQuotas.Where(q => q.AccountId == request.Account.Id && q.Hour == hour && q.Sent < Settings.PerAccountPerHour)
            .ExecuteUpdateAsync(q => q.SetProperty(x => x.Sent, x => x.Sent + 1), cancellationToken);
        if (taken == 0)
        {
            return Errors.PushLimitReached(Settings.PerAccountPerHour, hour.AddHours(1) - now);
        }
        challenge.MatchNumber = RandomNumberGenerator.GetInt32(LowestMatchNumber, HighestMatchNumber + 1);
        // Each approving pad with a push subscription is woken; the push commits with the question, or not at all.
        var notice = System.Text.Json.JsonSerializer.Serialize(new PushNotice(challenge.Id, challenge.QrPayload, challenge.ExpiresAt),
            System.Text.Json.JsonSerializerOptions.Web);
        foreach (var device in (await pad.ActiveAsync(request.Account.Id, cancellationToken))
            .Where(d => d.ApprovesSince is not null && d.PushSubscriptionProtected is not null))
        {
            outbox.Push(device.Id, notice);
        }
        return null;
    }

    public Task<double> GuessChanceAsync(Guid accountId, int parts, CancellationToken cancellationToken) => pad.GuessChanceAsync(accountId, parts, cancellationToken);

    public Task<AnswerCheck> CheckAsync(Challenge challenge, string typedAnswer, DateTimeOffset now, CancellationToken cancellationToken) =>
        pad.CheckAsync(challenge, typedAnswer, now, cancellationToken);

    public Task AcceptedAsync(Challenge challenge, RelyingParty relyingParty, CancellationToken cancellationToken) =>
        pad.AcceptedAsync(challenge, relyingParty, cancellationToken);

    /// <summary>
    /// An account's questions for this method, from the index that holds only this method's (<see cref="ChallengeConfiguration"/>).
    /// A query of an account's questions that does not name the method cannot use that index, and reads the whole table.
    /// </summary>
    internal static IQueryable<Challenge> AccountQuestions(CipherpadDbContext db, Guid accountId) =>
        db.Challenges.AsNoTracking().Where(c => c.AccountId == accountId && c.Method == MethodName);

    /// <summary>When the account's owner denied its requests since <paramref name="since"/>.</summary>
    internal static IQueryable<DateTimeOffset> Denials(CipherpadDbContext db, Guid accountId, DateTimeOffset since) =>
        AccountQuestions(db, accountId).Where(c => c.Status == ChallengeStatus.Denied && c.CreatedAt > since && c.AnsweredAt != null)
            .Select(c => c.AnsweredAt!.Value);

    /// <summary>How long new requests must still wait after the owner's latest denials, or null.</summary>
    private async Task<TimeSpan?> PausedForAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now.AddDays(-1);
        var denials = await Denials(db, accountId, since).ToListAsync(cancellationToken);
        if (denials.Count == 0)
        {
            return null;
        }
        var pause = TimeSpan.FromTicks((long)Math.Min(Settings.PauseAfterDenial.Ticks * Math.Pow(2, denials.Count - 1), Settings.LongestPause.Ticks));
        var until = denials.Max() + pause;
        return until > now ? until - now : null;
    }
}
