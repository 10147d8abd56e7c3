using Cipherpad.Server;
using Cipherpad.Server.Admin;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.Extensions.Options;

// A command (or --help) administers and exits; any other arguments are the host's, such as --urls or --environment.
if (AdminCommandLine.IsAdminCommand(args))
{
    return await AdminCommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddCipherpad();
    var app = builder.Build();
    // The settings and the master key first: a server that must refuse to start does so before it creates or migrates anything.
    _ = app.Services.GetRequiredService<MasterKey>();
    if (app.Services.GetRequiredService<IOptions<CipherpadOptions>>().Value.MigrateAtStart)
    {
        await app.Services.MigrateDatabaseAsync();
    }
    app.UseCipherpad();
    await app.RunAsync();
}
catch (OptionsValidationException refused)
{
    // A setting to fix, not a crash: the message says which and how, without a stack trace.
    await Console.Error.WriteLineAsync($"{AdminCommandLine.ProgramName} cannot start: {refused.Message}");
    return 1;
}
return 0;

/// <summary>Exposed so integration tests can host the real application.</summary>
public partial class Program;
