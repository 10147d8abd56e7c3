using System.CommandLine;
using Cipherpad.Server.RelyingParties;

namespace Cipherpad.Server.Admin;

/// <summary><c>rp add | list | rotate-secret | disable | enable</c>: the sites and programs allowed to use the relying-party API.</summary>
public static class RelyingPartyCommands
{
    public static Command Build()
    {
        var command = new Command("rp", "Relying parties: the sites and programs allowed to use the API.");
        command.Subcommands.Add(AddCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(RotateSecretCommand());
        command.Subcommands.Add(DisableCommand());
        command.Subcommands.Add(EnableCommand());
        return command;
    }

    private static Argument<string> ClientIdArgument() => new("client-id") { Description = "The relying party's client id, as 'rp list' shows it.", HelpName = "CLIENT_ID" };

    private static Command AddCommand()
    {
        var name = new Option<string>("--name") { Description = "The name users see, 1 to 64 characters, such as \"Demo Shop\".", Required = true, HelpName = "NAME" };
        var command = new Command("add", "Register a relying party; prints its client id and secret once.") { name };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            try
            {
                PrintCredentials("added", await services.Get<RelyingPartyService>().AddAsync(result.GetValue(name)!, cancellationToken));
                return 0;
            }
            catch (ArgumentException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return 2;
            }
        });
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List relying parties.");
        command.SetAdminAction(async (_, services, cancellationToken) =>
        {
            foreach (var party in await services.Get<RelyingPartyService>().ListAsync(cancellationToken))
            {
                var disabled = party.DisabledAt is { } at ? $", disabled {at:u}" : "";
                Console.WriteLine($"{party.ClientId}  {party.Name}  (added {party.CreatedAt:u}{disabled})");
            }
            return 0;
        });
        return command;
    }

    private static Command RotateSecretCommand()
    {
        var clientId = ClientIdArgument();
        var command = new Command("rotate-secret", "Give a relying party a new client secret, printed once; the old secret stops working at once.") { clientId };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var credentials = await services.Get<RelyingPartyService>().RotateSecretAsync(result.GetValue(clientId)!, cancellationToken);
            if (credentials is null)
            {
                return UnknownClient(result.GetValue(clientId)!);
            }
            PrintCredentials("has a new secret", credentials);
            return 0;
        });
        return command;
    }

    private static Command DisableCommand()
    {
        var clientId = ClientIdArgument();
        var command = new Command("disable", "Refuse a relying party's API calls (401) from now on; its client id and secret are kept for 'rp enable'.") { clientId };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var party = await services.Get<RelyingPartyService>().SetDisabledAsync(result.GetValue(clientId)!, disabled: true, cancellationToken);
            if (party is null)
            {
                return UnknownClient(result.GetValue(clientId)!);
            }
            Console.WriteLine($"Relying party \"{party.Name}\" ({party.ClientId}) is disabled since {party.DisabledAt:u}.");
            return 0;
        });
        return command;
    }

    private static Command EnableCommand()
    {
        var clientId = ClientIdArgument();
        var command = new Command("enable", "Accept a disabled relying party's API calls again, with its current secret.") { clientId };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var party = await services.Get<RelyingPartyService>().SetDisabledAsync(result.GetValue(clientId)!, disabled: false, cancellationToken);
            if (party is null)
            {
                return UnknownClient(result.GetValue(clientId)!);
            }
            Console.WriteLine($"Relying party \"{party.Name}\" ({party.ClientId}) is enabled.");
            return 0;
        });
        return command;
    }

    private static void PrintCredentials(string what, RelyingPartyCredentials credentials)
    {
        Console.WriteLine($"Relying party \"{credentials.Name}\" {what}.");
        Console.WriteLine($"client_id:     {credentials.ClientId}");
        Console.WriteLine($"client_secret: {credentials.ClientSecret}");
        Console.WriteLine("Keep the secret now: only its hash is stored, it cannot be shown again.");
    }

    private static int UnknownClient(string clientId)
    {
        Console.Error.WriteLine($"There is no relying party with client id {AdminCommandLine.Printable(clientId)}; 'rp list' shows them.");
        return 1;
    }
}
