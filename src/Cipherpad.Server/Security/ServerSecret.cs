using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Security;

/// <summary>A key the server makes once for itself (the Web Push VAPID key pair), kept encrypted under the master key.</summary>
public sealed class ServerSecret
{
    public required string Name { get; set; }
    public required byte[] ValueProtected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ServerSecretConfiguration : IEntityTypeConfiguration<ServerSecret>
{
    public void Configure(EntityTypeBuilder<ServerSecret> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("ServerSecrets");
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(64);
    }
}

/// <summary>
/// Reads a server secret, making it on first use. Two server instances starting at once may both make one; the first
/// insert wins (ON CONFLICT DO NOTHING) and both read back the same value.
/// </summary>
public sealed class ServerSecrets(IDbContextFactory<CipherpadDbContext> contexts, SecretProtector protector, TimeProvider time)
{
    public async Task<byte[]> GetOrCreateAsync(string name, Func<byte[]> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var purpose = Purpose(name);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.ServerSecrets.AsNoTracking().SingleOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (stored is null)
        {
            var value = protector.Protect(create(), purpose);
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "ServerSecrets" ("Name", "ValueProtected", "CreatedAt") VALUES ({name}, {value}, {time.GetUtcNow().UtcTicks}) ON CONFLICT DO NOTHING""",
                cancellationToken);
            stored = await db.ServerSecrets.AsNoTracking().SingleAsync(s => s.Name == name, cancellationToken);
        }
        return protector.Unprotect(stored.ValueProtected, purpose);
    }

    internal static string Purpose(string name) => $"server-secret:{name}";
}
