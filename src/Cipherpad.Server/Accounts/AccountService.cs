using Cipherpad.Core.Activation;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Accounts;

public sealed record Registration(string? FirstName, string? LastName, string? Email, string? Phone, string? SecurityQuestion, string? SecurityAnswer);

/// <summary>What became of a registration: the account, or the problems by field name.</summary>
/// <param name="Account">The new account, when every field was right.</param>
/// <param name="Problems">What was wrong, by field name.</param>
/// <param name="HumanCheckUnused">Whether the human check was right and is still unused: the form shown again can keep it.</param>
public sealed record RegistrationResult(Account? Account, Dictionary<string, Text> Problems, bool HumanCheckUnused);

/// <summary>Registration, e-mail confirmation and the choice of methods that ends with an activation code by SMS.</summary>
public sealed class AccountService(
    CipherpadDbContext db,
    IOptions<CipherpadOptions> options,
    AccountMethods methods,
    Outbox outbox,
    PublicLinks links,
    SecretProtector protector,
    AccountDirectory directory,
    HumanCheck humanCheck,
    SlowHashes slowHashes,
    Translator translator,
    TimeProvider time)
{
    public const string ActivationCodePurpose = "activation-code";
    public const string HumanCheckField = "HumanCheck";
    public const string Busy = "The server is busy just now; nothing was saved. Please try again in a moment.";
    /// <summary>Registration's refusal of an address that has an account: the page links it to recovery.</summary>
    public const string EmailInUse = "An account with this e-mail already exists. If it is yours and you lost access, use recovery.";

    /// <summary>
    /// Validates every field and the human check (all problems at once, by field name), spends the human check, creates the
    /// account and mails the confirmation link. An expired unconfirmed registration of the same address is deleted first.
    /// </summary>
    /// <param name="form">The fields as typed.</param>
    /// <param name="humanCheckSolution">The browser's answer to the <see cref="HumanCheck"/> (its JSON), or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<RegistrationResult> RegisterAsync(Registration form, string? humanCheckSolution,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var problems = new Dictionary<string, Text>(StringComparer.Ordinal);
        void Check(string field, Text? problem)
        {
            if (problem is not null)
            {
                problems[field] = problem;
            }
        }
        Check(nameof(form.FirstName), AccountRules.NameProblem(form.FirstName, NamePart.First));
        Check(nameof(form.LastName), AccountRules.NameProblem(form.LastName, NamePart.Last));
        Check(nameof(form.Email), AccountRules.EmailProblem(form.Email));
        var phone = AccountRules.NormalizePhone(form.Phone);
        Check(nameof(form.Phone), phone is null ? (Text)"Enter your mobile number in international form, such as +49 170 1234567." : null);
        Check(nameof(form.SecurityQuestion), AccountRules.SecurityQuestionProblem(form.SecurityQuestion));
        Check(nameof(form.SecurityAnswer), AccountRules.SecurityAnswerProblem(form.SecurityAnswer, form.SecurityQuestion ?? "",
            form.FirstName, form.LastName, form.Email, form.Email?.Split('@')[0], phone));
        var human = humanCheck.Check(humanCheckSolution);
        Check(HumanCheckField, human.Error?.Text);
        if (problems.Count > 0)
        {
            return new(null, problems, human.Succeeded);
        }
        // Hashed before anything is spent or locked: a busy server refuses without using up the human check.
        if (await slowHashes.HashAsync(form.SecurityAnswer!, options.Value.Accounts.SecurityAnswerIterations, cancellationToken) is not { } answerHash)
        {
            problems[nameof(form.SecurityAnswer)] = Busy;
            return new(null, problems, true);
        }
        // Spent before the address is looked at, so each answer to "is this address registered?" costs a solved check.
        if (await humanCheck.SpendAsync(human.Value, cancellationToken) is { } spent)
        {
            problems[HumanCheckField] = spent.Text;
            return new(null, problems, false);
        }

        var address = AccountRules.NormalizeEmail(form.Email!);
        var now = time.GetUtcNow();
        // Freeing an expired registration and taking the address commit together: the address is never free in between.
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        await ForgetExpiredRegistrationAsync(address, now, cancellationToken);
        if (await directory.InUseAsync(address, cancellationToken))
        {
            problems[nameof(form.Email)] = EmailInUse;
            return new(null, problems, false);
        }

        var account = new Account
        {
            FirstName = form.FirstName!.Trim(),
            LastName = form.LastName!.Trim(),
            Email = address,
            Phone = phone!,
            SecurityQuestion = form.SecurityQuestion!.Trim(),
            SecurityAnswerHash = answerHash,
            CreatedAt = now,
            Language = Languages.Current,
        };
        var token = Hashing.NewToken();
        db.Accounts.Add(account);
        db.EmailConfirmations.Add(new EmailConfirmation
        {
            AccountId = account.Id,
            TokenHash = Hashing.TokenHash(token),
            ExpiresAt = now + options.Value.Accounts.EmailConfirmationLifetime,
        });
        outbox.Email(account.Email, translator.In(account.Language, "Confirm your e-mail for Cipherpad"), translator.Lines(account.Language,
            $"Hello {account.FirstName},", "",
            "someone (we hope you) registered a Cipherpad account with this e-mail address.",
            $"Confirm it by opening this link within {options.Value.Accounts.EmailConfirmationLifetime.TotalHours:0} hours:",
            "", Text.Verbatim(links.To("/confirm-email", token)), "",
            "If this was not you, ignore this message: without confirmation the account cannot be used."));
        try
        {
            // The account, its confirmation and the mail that carries the link commit together or not at all.
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Registered concurrently with the same e-mail: the unique index decided. PostgreSQL reads nothing more in a
            // transaction that failed, so it ends first.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (!await directory.InUseAsync(address, cancellationToken))
            {
                throw;
            }
            problems[nameof(form.Email)] = EmailInUse;
            return new(null, problems, false);
        }
        return new(account, problems, false);
    }

    /// <summary>Deletes the account holding <paramref name="address"/> if it is an expired, unconfirmed registration, with its links.</summary>
    private async Task ForgetExpiredRegistrationAsync(string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = ExpiredRegistrations.At(db, now).StoredAs(address);
        await db.EmailConfirmations.Where(c => expired.Any(a => a.Id == c.AccountId)).ExecuteDeleteAsync(cancellationToken);
        await expired.ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Confirms the e-mail; returns the account, or null for an unknown, used or expired link.</summary>
    public async Task<Account?> ConfirmEmailAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (EmailLinks.TokenHashOf(token) is not { } hash)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var confirmation = await db.EmailConfirmations.SingleOrDefaultAsync(c => c.TokenHash == hash, cancellationToken);
        if (confirmation is null || confirmation.ExpiresAt <= now)
        {
            return null;
        }
        // Gone when the registration expired and the address was registered again.
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == confirmation.AccountId, cancellationToken);
        if (account is null)
        {
            return null;
        }
        if (confirmation.UsedAt is not null)
        {
            // Opening the link twice is harmless as long as the methods are not chosen yet.
            return account.MethodsChosenAt is null ? account : null;
        }
        confirmation.UsedAt = now;
        account.EmailConfirmedAt ??= now;
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    /// <summary>
    /// Records the methods chosen after the e-mail was confirmed and sends the first activation code by SMS. This happens
    /// once per account: the choice is claimed with a conditional update, so replaying the form (or racing it) neither
    /// sends more SMS nor changes methods without the cipher pad. Returns why not, or null.
    /// </summary>
    public async Task<CipherpadError?> ChooseMethodsAsync(Guid accountId, IReadOnlyCollection<string> chosen, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        if (AccountMethods.FirstChoiceProblem(chosen) is { } problem)
        {
            return problem;
        }
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, cancellationToken);
        if (account.EmailConfirmedAt is null)
        {
            return Errors.EmailNotConfirmed();
        }
        var now = time.GetUtcNow();
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var claimed = await db.Accounts.Where(a => a.Id == accountId && a.MethodsChosenAt == null)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.MethodsChosenAt, now), cancellationToken);
        if (claimed == 0)
        {
            return Errors.MethodsAlreadyChosen();
        }
        await methods.SetAsync(accountId, chosen, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await SendActivationCodeAsync(account, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Voids earlier codes, stores a new one encrypted and puts the SMS that carries it, with the way to the cipher pad, in
    /// the outbox. Call it inside the transaction of the change that asks for the code.
    /// </summary>
    /// <returns>The new code, for <see cref="SeedDemoAccountAsync"/>; nothing else shows it but the SMS.</returns>
    public async Task<string> SendActivationCodeAsync(Account account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var now = time.GetUtcNow();
        await db.ActivationCodes.Where(c => c.AccountId == account.Id && c.UsedAt == null)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.UsedAt, now), cancellationToken);
        var code = ActivationCode.Generate();
        var id = Ids.NewVersion7();
        db.ActivationCodes.Add(new ActivationCodeRecord
        {
            Id = id,
            AccountId = account.Id,
            CodeProtected = protector.Protect(System.Text.Encoding.ASCII.GetBytes(code), $"{ActivationCodePurpose}:{id}"),
            CreatedAt = now,
            ExpiresAt = now + options.Value.Activation.CodeLifetime,
        });
        outbox.Sms(account.Phone, translator.In(account.Language,
            $"Cipherpad activation code: {ActivationCode.Format(code)} (valid {options.Value.Activation.CodeLifetime.TotalMinutes:0} min). Activate your cipher pad: {links.ActivateCommand(account.Email)}"));
        await db.SaveChangesAsync(cancellationToken);
        return code;
    }

    /// <summary>Makes <paramref name="language"/> the language of the account's e-mails and SMS.</summary>
    public Task SetLanguageAsync(Guid accountId, string language, CancellationToken cancellationToken = default) =>
        db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(a => a.SetProperty(x => x.Language, language), cancellationToken);

    /// <summary>
    /// For the demonstration in Development (<c>cipherpad-server demo seed</c>): an account for <paramref name="email"/> as if it
    /// had registered, confirmed its e-mail and chosen the cipher pad, made if it does not exist; and a new activation code for
    /// it, which is returned. The security answer is random: the demonstration never uses recovery.
    /// </summary>
    public async Task<string> SeedDemoAccountAsync(string email, CancellationToken cancellationToken = default)
    {
        var address = AccountRules.NormalizeEmail(email);
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Email == address, cancellationToken);
        if (account is null)
        {
            var now = time.GetUtcNow();
            account = new Account
            {
                FirstName = "Demo",
                LastName = "User",
                Email = address,
                Phone = "+10005550100",
                SecurityQuestion = "(demonstration account)",
                SecurityAnswerHash = Hashing.HashSecurityAnswer(Hashing.NewToken(), options.Value.Accounts.SecurityAnswerIterations),
                CreatedAt = now,
                EmailConfirmedAt = now,
                MethodsChosenAt = now,
            };
            db.Accounts.Add(account);
            await db.SaveChangesAsync(cancellationToken);
            await methods.SetAsync(account.Id, [AnswerMethods.CipherPad.CipherPadMethod.MethodName], cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        var code = await SendActivationCodeAsync(account, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return code;
    }
}
