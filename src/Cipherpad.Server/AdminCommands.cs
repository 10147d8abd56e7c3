using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;

namespace Cipherpad.Server;

/// <summary>
/// Administration from the command line, with the server's own configuration:
/// <c>migrate</c>, <c>rp add --name "Demo Shop"</c>, <c>rp list</c>.
/// </summary>
public static class AdminCommands
{
    public static bool IsCommand(string[] args) => args is ["migrate", ..] or ["rp", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        await app.Services.MigrateDatabaseAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var relyingParties = scope.ServiceProvider.GetRequiredService<RelyingPartyService>();
        switch (args)
        {
            case ["migrate", ..]:
                Console.WriteLine("The database is up to date.");
                return 0;
            case ["rp", "add", "--name", var name, ..]:
                try
                {
                    var credentials = await relyingParties.AddAsync(name);
                    Console.WriteLine($"Relying party \"{credentials.Name}\" added.");
                    Console.WriteLine($"client_id:     {credentials.ClientId}");
                    Console.WriteLine($"client_secret: {credentials.ClientSecret}");
                    Console.WriteLine("Keep the secret now: only its hash is stored, it cannot be shown again.");
                    return 0;
                }
                catch (ArgumentException exception)
                {
                    Console.Error.WriteLine(exception.Message);
                    return 2;
                }
            case ["rp", "list", ..]:
                foreach (var party in await relyingParties.ListAsync())
                {
                    Console.WriteLine($"{party.ClientId}  {party.Name}  (added {party.CreatedAt:u})");
                }
                return 0;
            default:
                Console.Error.WriteLine("""
                    Usage:
                      cipherpad-server migrate                 apply database migrations and exit
                      cipherpad-server rp add --name "NAME"    register a relying party; prints its client id and secret
                      cipherpad-server rp list                 list relying parties
                    """);
                return 2;
        }
    }
}
