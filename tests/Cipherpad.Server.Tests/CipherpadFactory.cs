using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cipherpad.Server.Tests;

/// <summary>A clock the tests can move forward.</summary>
public sealed class AdjustableTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}

/// <summary>The real server over the real HTTP pipeline, with its own data folder and database.</summary>
public sealed class CipherpadFactory : WebApplicationFactory<Program>
{
    private readonly DatabaseProvider _provider;
    private readonly string? _connectionString;

    public CipherpadFactory(DatabaseProvider provider, string? connectionString, string environment = "Testing")
    {
        _provider = provider;
        _connectionString = connectionString;
        Environment = environment;
        DataDirectory = Path.Combine(Path.GetTempPath(), "cipherpad-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }
    public string Environment { get; }
    public AdjustableTime Time { get; } = new();
    public string MasterKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Cipherpad:DataDirectory", DataDirectory);
        builder.UseSetting("Cipherpad:PublicUrl", "http://localhost");
        builder.UseSetting("Cipherpad:Database:Provider", _provider.ToString());
        builder.UseSetting("Cipherpad:Database:ConnectionString", _connectionString ?? "");
        builder.UseSetting("Cipherpad:MasterKey:Value", MasterKey);
        builder.UseSetting("Cipherpad:Accounts:SecurityAnswerIterations", "1000");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(DataDirectory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
