using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cipherpad.Server.Storage;

public static class StorageExtensions
{
    /// <summary>Registers <see cref="CipherpadDbContext"/> on the configured provider.</summary>
    public static IServiceCollection AddCipherpadStorage(this IServiceCollection services, CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Database.Provider == DatabaseProvider.PostgreSql)
        {
            services.AddDbContext<CipherpadDbContext, PostgresCipherpadDbContext>(db => db.UseNpgsql(options.Database.ConnectionString));
        }
        else
        {
            var connectionString = options.Database.ConnectionString is { Length: > 0 } configured
                ? configured
                : $"Data Source={options.DataPath("cipherpad.db")}";
            services.AddDbContext<CipherpadDbContext, SqliteCipherpadDbContext>(db => db.UseSqlite(connectionString).AddInterceptors(new SqliteBusyTimeout()));
        }
        return services;
    }

    /// <summary>Creates the data directory and applies pending migrations.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CipherpadOptions>>().Value;
        Directory.CreateDirectory(Path.GetFullPath(options.DataDirectory));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CipherpadDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // Write-ahead logging lets readers proceed while one request writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
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
