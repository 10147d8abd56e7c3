using Microsoft.EntityFrameworkCore;

namespace Cipherpad.DemoWallet;

/// <summary>A wallet, one per person who signed in: known by the subject Cipherpad gives this site.</summary>
public sealed class Wallet
{
    public required string Subject { get; set; }
    public required string Email { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The balance in cents.</summary>
    public long BalanceCents { get; set; }

    /// <summary>A setting whose change must be confirmed: whether the wallet mails its owner on every transfer.</summary>
    public bool MailOnTransfer { get; set; }

    /// <summary>The public half of the wallet key (SubjectPublicKeyInfo, base64); the private half is in its owner's Cipherpad key vault.</summary>
    public string? PublicKey { get; set; }
}

public enum OperationKind
{
    Transfer,
    Setting,

    /// <summary>A statement of the balance, signed with the wallet key that Cipherpad's key vault releases for it.</summary>
    Statement,
}

public enum OperationStatus
{
    /// <summary>Waiting for the owner to confirm it at Cipherpad.</summary>
    Pending,
    Done,

    /// <summary>Cipherpad's token did not confirm exactly this operation (or was for someone else), or released no key for it.</summary>
    Refused,
}

/// <summary>A transfer or a settings change, carried out only once Cipherpad confirms exactly it.</summary>
public sealed class Operation
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Subject { get; set; }
    public OperationKind Kind { get; set; }
    public string? Payee { get; set; }

    /// <summary>With two decimals, as Cipherpad writes it back: "12.50".</summary>
    public string? Amount { get; set; }
    public string? Description { get; set; }

    /// <summary>For the demonstration: malware on the PC changes the amount after the owner confirmed it.</summary>
    public bool AlteredAfterConfirmation { get; set; }

    /// <summary>For a statement: the key vault release Cipherpad asked its owner to confirm, and where the question's QR code is.</summary>
    public Guid? ReleaseId { get; set; }
    public string? ReleaseDescription { get; set; }
    public string? Question { get; set; }
    public string? QrImage { get; set; }

    /// <summary>For a signed statement: the wallet key's signature of <see cref="Description"/> (ECDSA P-256, SHA-256, base64).</summary>
    public string? Signature { get; set; }

    public OperationStatus Status { get; set; }
    public string? Outcome { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class WalletDb(DbContextOptions<WalletDb> options) : DbContext(options)
{
    public DbSet<Wallet> Wallets => Set<Wallet>();
    public DbSet<Operation> Operations => Set<Operation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<Wallet>().HasKey(w => w.Subject);
        modelBuilder.Entity<Operation>().Property(o => o.Kind).HasConversion<string>();
        modelBuilder.Entity<Operation>().Property(o => o.Status).HasConversion<string>();
        modelBuilder.Entity<Operation>().Property(o => o.CreatedAt).HasConversion(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
    }
}
