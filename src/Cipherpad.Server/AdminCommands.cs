using Cipherpad.Server.Accounts;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;

namespace Cipherpad.Server;

/// <summary>
/// Administration from the command line, with the server's own configuration:
/// <c>migrate</c>, <c>rp add --name "Demo Shop"</c>, <c>rp list</c>.
/// </summary>
public static class AdminCommands
{
    public static bool IsCommand(string[] args) => args is ["migrate", ..] or ["rp", ..] or ["support", ..] or ["account", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        await app.Services.MigrateDatabaseAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var relyingParties = scope.ServiceProvider.GetRequiredService<RelyingPartyService>();
        var support = scope.ServiceProvider.GetRequiredService<SupportRequests>();
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
            case ["support", "list", ..]:
                foreach (var request in await support.OpenAsync(default))
                {
                    Console.WriteLine($"{request.Id.ToString()[..8]}  {request.CreatedAt:u}  {request.AccountEmail}  lost {request.Lost}  contact {request.Contact}");
                }
                return 0;
            case ["support", "show", var id, ..]:
                var shown = await support.FindAsync(id, default);
                if (shown is null)
                {
                    Console.Error.WriteLine($"No single support request starts with {id}.");
                    return 1;
                }
                Console.WriteLine($"""
                    Request:  {shown.Id}
                    Received: {shown.CreatedAt:u} from {shown.Ip}
                    Account:  {shown.AccountEmail}
                    Name:     {shown.Name}
                    Contact:  {shown.Contact}
                    Lost:     {shown.Lost}
                    Message:  {shown.Message}
                    State:    {(shown.ResolvedAt is null ? "open" : $"resolved {shown.ResolvedAt:u}: {shown.Resolution}")}
                    """);
                return 0;
            case ["support", "resolve", var id, "--note", var note, ..]:
                var resolving = await support.FindAsync(id, default);
                if (resolving is null || !await support.ResolveAsync(resolving.Id, note, default))
                {
                    Console.Error.WriteLine($"No single open support request starts with {id}.");
                    return 1;
                }
                Console.WriteLine("Resolved.");
                return 0;
            case ["account", "set-email", "--email", var current, "--new-email", var newEmail, "--reason", var reason, ..]:
                return Report(await support.ChangeEmailAsync(current, newEmail, reason, default), $"The account's e-mail is now {newEmail}.");
            case ["account", "set-phone", "--email", var email, "--phone", var phone, "--reason", var reason, ..]:
                return Report(await support.ChangePhoneAsync(email, phone, reason, default), "The account's phone is changed.");
            default:
                Console.Error.WriteLine("""
                    Usage:
                      cipherpad-server migrate                 apply database migrations and exit
                      cipherpad-server rp add --name "NAME"    register a relying party; prints its client id and secret
                      cipherpad-server rp list                 list relying parties
                      cipherpad-server support list            open support requests
                      cipherpad-server support show ID         one request (ID: its first characters)
                      cipherpad-server support resolve ID --note "TEXT"
                      cipherpad-server account set-email --email OLD --new-email NEW --reason "TEXT"
                      cipherpad-server account set-phone --email EMAIL --phone +PHONE --reason "TEXT"
                    Changes of e-mail and phone are written to the account's authorization log.
                    """);
                return 2;
        }
    }

    private static int Report(string? problem, string success)
    {
        if (problem is not null)
        {
            Console.Error.WriteLine(problem);
            return 1;
        }
        Console.WriteLine(success);
        return 0;
    }
}
