using Cipherpad.Server;
using Cipherpad.Server.Admin;
using Cipherpad.Server.Storage;

// A command (or --help) administers and exits; any other arguments are the host's, such as --urls or --environment.
if (AdminCommandLine.IsAdminCommand(args))
{
    return await AdminCommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddCipherpad();
var app = builder.Build();
if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CipherpadOptions>>().Value.MigrateAtStart)
{
    await app.Services.MigrateDatabaseAsync();
}
app.UseCipherpad();
await app.RunAsync();
return 0;

/// <summary>Exposed so integration tests can host the real application.</summary>
public partial class Program;
