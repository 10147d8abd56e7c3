namespace Cipherpad.Server.Accounts;

public sealed class Account
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string FirstName { get; set; }
    public required string LastName { get; set; }

    /// <summary>Trimmed and lowercased; unique.</summary>
    public required string Email { get; set; }

    /// <summary>E.164, such as +491701234567.</summary>
    public required string Phone { get; set; }

    public required string SecurityQuestion { get; set; }
    public required string SecurityAnswerHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EmailConfirmedAt { get; set; }

    /// <summary>When on, relying parties are told that every operation of this account must be confirmed.</summary>
    public bool ConfirmAllOperations { get; set; }

    /// <summary>Which authorization facts are e-mailed to the account (see <see cref="Notifications.NotificationKind"/>).</summary>
    public Notifications.NotificationKind Notifications { get; set; } = Cipherpad.Server.Notifications.NotificationKind.Default;

    /// <summary>Set once methods are chosen after e-mail confirmation.</summary>
    public DateTimeOffset? MethodsChosenAt { get; set; }

    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>An e-mail confirmation link; only the token's hash is stored.</summary>
public sealed class EmailConfirmation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AccountId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}
