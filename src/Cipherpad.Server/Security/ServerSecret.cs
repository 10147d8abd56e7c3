using System.Data.Common;
using Cipherpad.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

/// <summary>A secret the server makes for itself: its name, and how to make its value the first time.</summary>
public sealed record ServerSecretDefinition(string Name, Func<byte[]> Create);

/// <summary>
/// Reads a server secret, making it on first use, and keeps it for the process: a value never changes. Two server
/// instances starting at once may both make one; the first insert wins (ON CONFLICT DO NOTHING) and both read back the
/// same value. Every secret registered with <see cref="ServerSecretsExtensions.AddServerSecret"/> is read when the server
/// starts, before it takes requests: a read needs a connection of its own, which a request that holds one must not wait
/// for when a burst holds all the others.
/// </summary>
public sealed class ServerSecrets(IDbContextFactory<CipherpadDbContext> contexts, SecretProtector protector, TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _read = new(StringComparer.Ordinal);

    public async Task<byte[]> GetOrCreateAsync(ServerSecretDefinition secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (_read.TryGetValue(secret.Name, out var known))
        {
            return known;
        }
        var name = secret.Name;
        var purpose = Purpose(name);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.ServerSecrets.AsNoTracking().SingleOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (stored is null)
        {
            var value = protector.Protect(secret.Create(), purpose);
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "ServerSecrets" ("Name", "ValueProtected", "CreatedAt") VALUES ({name}, {value}, {time.GetUtcNow().UtcTicks}) ON CONFLICT DO NOTHING""",
                cancellationToken);
            stored = await db.ServerSecrets.AsNoTracking().SingleAsync(s => s.Name == name, cancellationToken);
        }
        return _read.GetOrAdd(name, protector.Unprotect(stored.ValueProtected, purpose));
    }

    /// <summary>Whether the secret was read in this process.</summary>
    internal bool HasRead(string name) => _read.ContainsKey(name);

    internal static string Purpose(string name) => $"server-secret:{name}";
}

/// <summary>
/// Reads every registered server secret when the server starts (<see cref="ServerSecrets"/>). If the database cannot be
/// read then, the start goes on, and the secrets are read again every <see cref="RetryInterval"/> in the background until
/// they are; a request that needs one before reads it itself.
/// </summary>
public sealed class ServerSecretsAtStart(ServerSecrets secrets, IEnumerable<ServerSecretDefinition> definitions, ILogger<ServerSecretsAtStart> logger)
    : BackgroundService
{
    /// <summary>How long the start waits for the database before it goes on.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await TryReadAllAsync(Patience, cancellationToken) is { } failure)
        {
            logger.LogWarning(failure.Exception, "The server secret {Name} could not be read at start; it is read again every {Interval} s until it is",
                failure.Name, RetryInterval.TotalSeconds);
        }
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Reads again, in the background, what the start could not.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (definitions.All(definition => secrets.HasRead(definition.Name)))
        {
            return;
        }
        try
        {
            do
            {
                await Task.Delay(RetryInterval, stoppingToken);
            }
            while (await TryReadAllAsync(Patience, stoppingToken) is not null);
            logger.LogInformation("The server secrets were read");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the server is stopping
        }
    }

    /// <summary>Reads each secret not yet read; the first failure, or null. The same database holds them all: the others would fail, or wait, alike.</summary>
    private async Task<(string Name, Exception Exception)?> TryReadAllAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(patience);
        foreach (var definition in definitions.Where(definition => !secrets.HasRead(definition.Name)))
        {
            try
            {
                await secrets.GetOrCreateAsync(definition, waiting.Token);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested
                && exception is DbException or InvalidOperationException or DbUpdateException or OperationCanceledException)
            {
                return (definition.Name, exception);
            }
        }
        return null;
    }
}

public static class ServerSecretsExtensions
{
    /// <summary>Registers a secret the server makes for itself, to be read at start (<see cref="ServerSecretsAtStart"/>).</summary>
    public static IServiceCollection AddServerSecret(this IServiceCollection services, ServerSecretDefinition secret)
    {
        services.TryAddSingleton<ServerSecrets>();
        services.AddHostedService<ServerSecretsAtStart>(); // added once however many secrets: it is a TryAddEnumerable
        services.AddSingleton(secret);
        return services;
    }
}
