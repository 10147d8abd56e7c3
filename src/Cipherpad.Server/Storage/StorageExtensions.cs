using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Design;

namespace Cipherpad.Server.Storage;

public static class StorageExtensions
{
    /// <summary>
    /// Registers <see cref="CipherpadDbContext"/> on the configured provider, with every <see cref="IInterceptor"/> a
    /// capability registered: one per request scope, taken from a pool, and a
    /// factory (<see cref="IDbContextFactory{TContext}"/>) for work that must commit on its own, apart from the request's unit of work.
    /// </summary>
    public static IServiceCollection AddCipherpadStorage(this IServiceCollection services, CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Database.Provider == DatabaseProvider.PostgreSql)
        {
            // Read when the first context is made, after the settings were validated: a malformed string is reported by name.
            services.AddPooledDbContextFactory<PostgresCipherpadDbContext>((provider, db) => db.UseNpgsql(ForRequests(options.Database.ConnectionString))
                .AddInterceptors(provider.GetServices<IInterceptor>()));
            services.AddSingleton<IDbContextFactory<CipherpadDbContext>, ProviderContextFactory<PostgresCipherpadDbContext>>();
        }
        else
        {
            SqliteProcessSettings.Apply();
            var connectionString = SqliteConnectionString(options);
            services.AddPooledDbContextFactory<SqliteCipherpadDbContext>((provider, db) => db.UseSqlite(connectionString)
                .AddInterceptors([new SqliteBusyTimeout(), .. provider.GetServices<IInterceptor>()]));
            services.AddSingleton<IDbContextFactory<CipherpadDbContext>, ProviderContextFactory<SqliteCipherpadDbContext>>();
        }
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<CipherpadDbContext>>().CreateDbContext());
        services.AddSingleton<SqliteGroupCommit>();
        services.AddScoped<WriteTransactions>();
        services.AddScoped<StatementBatch>();
        return services;
    }

    /// <summary>
    /// The PostgreSQL connection settings that suit short requests, where the operator has not set them: statements the
    /// server runs again and again are prepared once per connection, and a connection going back to the pool keeps its
    /// session (the server sets no session state) instead of being reset with <c>DISCARD ALL</c> on every return.
    /// </summary>
    internal static string ForRequests(string? configured)
    {
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        // The keys as written (Npgsql's own builder knows every key, set or not); a key may be written with or without spaces.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!written.Contains(nameof(settings.MaxAutoPrepare)))
        {
            settings.MaxAutoPrepare = 64;
        }
        if (!written.Contains(nameof(settings.NoResetOnClose)))
        {
            settings.NoResetOnClose = true;
        }
        return settings.ConnectionString;
    }

    /// <summary>
    /// The SQLite connection string the settings give. Empty: the file cipherpad.db in the data directory. Without an
    /// <c>=</c>: the database file's path, relative to the data directory, as people write it in an environment variable
    /// (<c>Cipherpad__Database__ConnectionString=/var/lib/cipherpad/cipherpad.db</c>). Otherwise a connection string as
    /// Microsoft.Data.Sqlite reads it (<c>Data Source=…</c>), whose relative paths are the working directory's.
    /// </summary>
    public static string SqliteConnectionString(CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.Database.ConnectionString;
        var file = string.IsNullOrWhiteSpace(configured) ? "cipherpad.db"
            : !configured.Contains('=', StringComparison.Ordinal) ? configured.Trim()
            : null;
        return file is null ? configured! : new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = options.DataPath(file) }.ToString();
    }

    /// <summary>
    /// Hands out the provider's pooled contexts, the requests' and those made for work of its own alike (one pool holds both):
    /// on SQLite each runs its statements on the hot path's connections, whoever had it before.
    /// </summary>
    private sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> provider, SqliteGroupCommit sqliteHotPath)
        : IDbContextFactory<CipherpadDbContext>
        where TContext : CipherpadDbContext
    {
        public CipherpadDbContext CreateDbContext()
        {
            var db = provider.CreateDbContext();
            db.SqliteHotPath = db.OnSqlite ? sqliteHotPath : null;
            return db;
        }
    }

    /// <summary>
    /// Begins a transaction, or joins the one the request already has open: the work then commits with the caller's, and
    /// <see cref="OwnedTransaction.CommitAsync"/> commits only what this call began.
    /// </summary>
    public static async Task<OwnedTransaction> BeginOrJoinTransactionAsync(this CipherpadDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.CurrentTransaction is null
            ? new OwnedTransaction(await db.Database.BeginTransactionAsync(cancellationToken))
            : new OwnedTransaction(null);
    }

    /// <summary>
    /// Serializes the current transaction with every other that locks the same account, until it ends: what it counts and
    /// then inserts (a new vault item against the item limit, a name that must stay unique) cannot be raced. On PostgreSQL it
    /// is a row lock on the account; on SQLite every write transaction already holds the database's write lock from its
    /// start (<c>BEGIN IMMEDIATE</c>), so there is nothing more to take.
    /// </summary>
    public static async Task LockAccountAsync(this CipherpadDbContext db, Guid accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("An account is locked for the length of a transaction: begin one first.");
        }
        if (!db.OnSqlite)
        {
            await db.ExecuteAsync("""SELECT 1 FROM "Accounts" WHERE "Id" = @accountId FOR UPDATE""", new { accountId }, cancellationToken);
        }
    }

    /// <summary>Creates the data directory and a new SQLite file (both readable by the server's user only) and applies pending migrations.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CipherpadOptions>>().Value;
        OwnerOnlyFiles.CreateFolder(Path.GetFullPath(options.DataDirectory));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        if (db.OnSqlite)
        {
            CreateSqliteFile(db.Database.GetConnectionString());
        }
        await db.Database.MigrateAsync(cancellationToken);
        if (db.OnSqlite)
        {
            // Write-ahead logging lets readers proceed while one request writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>
    /// Creates the database file empty (SQLite takes an empty file as a new database) with the owner-only mode, before
    /// SQLite would create it with the default one; its -wal and -shm files take the database file's mode.
    /// </summary>
    private static void CreateSqliteFile(string? connectionString)
    {
        var settings = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        if (settings.Mode != Microsoft.Data.Sqlite.SqliteOpenMode.Memory && settings.DataSource is { Length: > 0 } file && file != ":memory:"
            && !File.Exists(file))
        {
            try
            {
                OwnerOnlyFiles.Create(file).Dispose();
            }
            catch (IOException) when (File.Exists(file))
            {
                // another process created it a moment ago
            }
        }
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context without starting the server.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCipherpadDbContext>
{
    public SqliteCipherpadDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCipherpadDbContext>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCipherpadDbContext>
{
    public PostgresCipherpadDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCipherpadDbContext>().UseNpgsql("Host=localhost;Database=cipherpad_design").Options);
}

/// <summary>A transaction that this code began (and commits), or none when it joined the caller's.</summary>
public sealed class OwnedTransaction(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? owned) : IAsyncDisposable
{
    /// <summary>Commits the transaction if this code began it.</summary>
    /// <exception cref="CommitOutcomeUnknownException">The connection was lost during the commit, which may or may not have been made.</exception>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (owned is null)
        {
            return;
        }
        try
        {
            await owned.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException && !TransientDatabaseErrors.IsAnsweredByServer(exception))
        {
            throw new CommitOutcomeUnknownException(exception);
        }
    }

    public Task RollbackAsync(CancellationToken cancellationToken) => owned?.RollbackAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
