using Cipherpad.Server;
using Cipherpad.Server.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddCipherpad();
var app = builder.Build();

if (AdminCommands.IsCommand(args))
{
    return await AdminCommands.RunAsync(app, args);
}
if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CipherpadOptions>>().Value.MigrateAtStart)
{
    await app.Services.MigrateDatabaseAsync();
}
app.UseCipherpad();
await app.RunAsync();
return 0;

/// <summary>Exposed so integration tests can host the real application.</summary>
public partial class Program;
