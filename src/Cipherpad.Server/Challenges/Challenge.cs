using Cipherpad.Core.Answers;
using Cipherpad.Core.Payments;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Challenges;

public enum ChallengeStatus
{
    Pending,
    Succeeded,
    Locked,

    /// <summary>Refused by the owner on the phone pad.</summary>
    Denied,
}

/// <summary>A question issued to one account for one relying party; it succeeds at most once.</summary>
public sealed class Challenge
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid RelyingPartyId { get; set; }
    public Guid AccountId { get; set; }
    public Purpose Purpose { get; set; }
    public required string Question { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int WrongAnswers { get; set; }
    public ChallengeStatus Status { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public Guid? DeviceId { get; set; }

    /// <summary>The operation shown to the user, for actions.</summary>
    public string? Description { get; set; }

    /// <summary>Payee, amount (with the currency's minor-unit digits) and currency, for payments.</summary>
    public string? Payee { get; set; }
    public string? Amount { get; set; }
    public string? Currency { get; set; }

    /// <summary>How the answer reaches the user: an answer method's <see cref="AnswerMethods.IAnswerMethod.Name"/>.</summary>
    public string Method { get; set; } = AnswerMethods.CipherPad.CipherPadMethod.MethodName;

    /// <summary>For methods where the server makes the answer (SMS): that answer, encrypted under the master key.</summary>
    public byte[]? AnswerProtected { get; set; }

    /// <summary>For the push method: the two-digit number the site shows and the person types on the pad to approve.</summary>
    public int? MatchNumber { get; set; }

    /// <summary>
    /// When a page of this server acted on the question's approval on the phone pad (signed someone in with it), which it
    /// does once: an approval has no answer to verify, so this is what makes it single-use there.
    /// </summary>
    public DateTimeOffset? RedeemedAt { get; set; }

    /// <summary>The sealed request payload shown as a QR code (not secret).</summary>
    public string QrPayload { get; set; } = "";

    public PaymentDetails? Payment() =>
        Purpose == Purpose.Payment && PaymentDetails.TryCreate(Payee, Amount, Currency, out var payment, out _) ? payment : null;
}

public sealed class ChallengeConfiguration : IEntityTypeConfiguration<Challenge>
{
    public void Configure(EntityTypeBuilder<Challenge> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Only push reads an account's questions (its pause after denials, a pad's waiting requests). The other methods'
        // questions stay out of it: each would change the index's page for its account, one more page to write per question.
        builder.HasIndex(c => new { c.AccountId, c.CreatedAt }, "IX_Challenges_Push_AccountId_CreatedAt")
            .HasFilter($"\"{nameof(Challenge.Method)}\" = '{AnswerMethods.Push.PushMethod.MethodName}'");
        builder.Property(c => c.Purpose).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Question).HasMaxLength(200); // up to 3 parts of 64 digits and 2 separators
        builder.Property(c => c.Method).HasMaxLength(16);
        builder.Property(c => c.Description).HasMaxLength(200);
        builder.Property(c => c.Payee).HasMaxLength(64);
        builder.Property(c => c.Amount).HasMaxLength(32);
        builder.Property(c => c.Currency).HasMaxLength(3);
    }
}
