using System.Net;
using System.Security.Cryptography;
using Cipherpad.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cipherpad.Testing;

/// <summary>A clock the tests can move forward, and stop where exact waits are measured.</summary>
public sealed class AdjustableTime : TimeProvider
{
    private DateTimeOffset? _stoppedAt;

    public TimeSpan Offset { get; set; }

    /// <summary>Stops the clock at its present reading; from then on only <see cref="Offset"/> moves it.</summary>
    public void Stop() => _stoppedAt ??= base.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => (_stoppedAt ?? base.GetUtcNow()) + Offset;

    /// <summary>
    /// Moves the clock to ten minutes into the next UTC day, so that a test of a daily budget (or an hourly one) cannot run
    /// across midnight or the hour.
    /// </summary>
    public void MoveToEarlyInADay()
    {
        var now = GetUtcNow();
        Offset += new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1).AddMinutes(10) - now;
    }
}

/// <summary>The real server over the real HTTP pipeline, with its own data folder and database.</summary>
public sealed class CipherpadFactory : WebApplicationFactory<Program>
{
    private readonly DatabaseProvider _provider;
    private readonly string? _connectionString;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;
    private Uri? _loopback;
    private string? _publicUrl;

    // services: adds to or replaces the server's own services (a fake answer method, a test clock).
    public CipherpadFactory(DatabaseProvider provider, string? connectionString, string environment = "Testing",
        IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        _services = services;
        _provider = provider;
        _connectionString = connectionString;
        Environment = environment;
        DataDirectory = Path.Combine(Path.GetTempPath(), "cipherpad-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }
    public string Environment { get; }
    public DatabaseProvider Provider => _provider;

    /// <summary>The PostgreSQL database's connection string; null for SQLite, whose file is in <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString => _connectionString;
    public AdjustableTime Time { get; } = new();

    /// <summary>Everything the server logged, for a test to read and for a failing test to show.</summary>
    public RecordingLoggerProvider ServerLog { get; } = new();

    /// <summary>
    /// What the server logged of requests it failed with an unhandled exception (a 500), oldest first: by its exception
    /// handler, or by Kestrel for an exception thrown before the handler.
    /// </summary>
    public IReadOnlyList<string> UnhandledExceptions() =>
        [.. ServerLog.Messages("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", Microsoft.Extensions.Logging.LogLevel.Error)
            .Concat(ServerLog.Messages("Microsoft.AspNetCore.Server.Kestrel", Microsoft.Extensions.Logging.LogLevel.Error))];

    public string MasterKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Serves over real sockets on a free loopback port, for programs outside the test process (the CLI, a browser).</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        _loopback = new Uri(addresses.First());
        ClientOptions.BaseAddress = _loopback;
        return _loopback;
    }

    /// <summary>
    /// Serves on a free loopback port that is also the server's public address (<c>Cipherpad:PublicUrl</c>), as OpenID Connect
    /// clients need: they hold the issuer to the address they discovered it at. The port is chosen before the server binds it,
    /// so another process could take it in between; then the start fails and says so.
    /// </summary>
    /// <param name="host">The public address's host: <c>localhost</c> where a browser needs a domain (a passkey's relying party cannot be an IP address).</param>
    public Uri StartOnLoopbackAsPublicAddress(string host = "127.0.0.1")
    {
        var port = Nginx.FreePort();
        _publicUrl = $"http://{host}:{port}";
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        StartServer();
        _loopback = new Uri(_publicUrl);
        ClientOptions.BaseAddress = _loopback;
        return _loopback;
    }

    /// <summary>A client that keeps cookies and does not follow redirects, like a careful look at a browser's traffic.</summary>
    public HttpClient Browser() => _loopback is null
        ? CreateClient(new() { AllowAutoRedirect = false })
        // Over real sockets the factory's client would follow redirects whatever it is told.
        : new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = _loopback };

    /// <summary>
    /// Sends everything waiting in the server's outbox now, as its background sender would a moment later, and returns once
    /// nothing due is left (a message that failed waits for its retry). Reading mail or SMS in a test starts here.
    /// </summary>
    public async Task SendOutboxAsync()
    {
        var sender = Services.GetRequiredService<Cipherpad.Server.Notifications.OutboxSender>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        do
        {
            await sender.SendDueAsync(deadline.Token);
        }
        while (await sender.WaitingAsync(deadline.Token) > 0 && !await Task.Delay(20, deadline.Token).ContinueWith(t => t.IsCanceled, TaskScheduler.Default));
    }

    /// <inheritdoc cref="SendOutboxAsync"/>
    public void SendOutbox() => SendOutboxAsync().GetAwaiter().GetResult();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Cipherpad:DataDirectory", DataDirectory);
        builder.UseSetting("Cipherpad:PublicUrl", _publicUrl ?? "http://localhost");
        builder.UseSetting("Cipherpad:Database:Provider", _provider.ToString());
        builder.UseSetting("Cipherpad:Database:ConnectionString", _connectionString ?? "");
        builder.UseSetting("Cipherpad:MasterKey:Value", MasterKey);
        builder.UseSetting("Cipherpad:Accounts:SecurityAnswerIterations", "1000");
        // Every registration solves the human check; a small range keeps that to a millisecond. The browser test sets the default.
        builder.UseSetting("Cipherpad:Accounts:HumanCheck:MaxNumber", "1000");
        // Every sign-in would wait for it; the tests of that wait set it.
        builder.UseSetting("Cipherpad:Accounts:AddressPostResponseTime", "00:00:00");
        // Tests send the outbox when they read it, one message at a time, so "the latest message" is well defined.
        builder.UseSetting("Cipherpad:Outbox:SendInBackground", "false");
        builder.UseSetting("Cipherpad:Outbox:Parallelism", "1");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(ServerLog);
            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _provider == DatabaseProvider.PostgreSql && !string.IsNullOrEmpty(_connectionString))
        {
            // Each test has its own database and so its own pool; idle connections left behind would add up to the
            // cluster's max_connections over a run.
            using var connection = new Npgsql.NpgsqlConnection(_connectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
        if (disposing && Directory.Exists(DataDirectory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // Each test has its own PostgreSQL database, so its own pool; idle, they would hold the cluster's connections for minutes.
            Npgsql.NpgsqlConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
