using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Sessions;

/// <summary>
/// A person signed in to their personal account in one browser. The cookie only names the session; whether it still
/// works is decided here on every request, so signing out, recovery or a security change ends it at once, even for a
/// copy of the cookie.
/// </summary>
public sealed class SignInSession
{
    public Guid Id { get; set; } = Ids.NewVersion7();
    public Guid AccountId { get; set; }
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The absolute end: however active the session, it ends here.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>signed-out, security-change, recovery, …</summary>
    public string? EndedBecause { get; set; }

    public string? Source { get; set; }

    /// <summary>The answer method the person signed in with (<c>app</c>, <c>push</c>, <c>sms</c>): what OpenID Connect's <c>amr</c> and <c>acr</c> report.</summary>
    public string Method { get; set; } = AnswerMethods.CipherPad.CipherPadMethod.MethodName;
}

public sealed class SignInSessionConfiguration : IEntityTypeConfiguration<SignInSession>
{
    public void Configure(EntityTypeBuilder<SignInSession> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("SignInSessions");
        builder.HasIndex(s => s.AccountId);
        builder.Property(s => s.EndedBecause).HasMaxLength(32);
        builder.Property(s => s.Source).HasMaxLength(64);
        builder.Property(s => s.Method).HasMaxLength(16);
    }
}
