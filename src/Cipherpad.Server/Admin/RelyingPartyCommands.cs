using System.CommandLine;
using Cipherpad.Server.RelyingParties;

namespace Cipherpad.Server.Admin;

/// <summary>
/// <c>rp add | list | return-addresses | flows | webhook | rotate-secret | disable | enable</c>: the sites and programs allowed to use the
/// relying-party API and OpenID Connect (one registration for both).
/// </summary>
public static class RelyingPartyCommands
{
    public static Command Build()
    {
        var command = new Command("rp", "Relying parties: the sites and programs allowed to use the API.");
        command.Subcommands.Add(AddCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(ReturnAddressesCommand());
        command.Subcommands.Add(FlowsCommand());
        command.Subcommands.Add(WebhookCommand());
        command.Subcommands.Add(RotateSecretCommand());
        command.Subcommands.Add(DisableCommand());
        command.Subcommands.Add(EnableCommand());
        return command;
    }

    private static Argument<string> ClientIdArgument() => new("client-id") { Description = "The relying party's client id, as 'rp list' shows it.", HelpName = "CLIENT_ID" };

    private static Command AddCommand()
    {
        var name = new Option<string>("--name") { Description = "The name users see, 1 to 64 characters, such as \"Demo Shop\".", Required = true, HelpName = "NAME" };
        var (redirectUris, postLogoutRedirectUris) = ReturnAddressOptions();
        var command = new Command("add", "Register a relying party; prints its client id and secret once.") { name, redirectUris, postLogoutRedirectUris };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var relyingParties = services.Get<RelyingPartyService>();
            var (signIn, signOut) = (result.GetValue(redirectUris) ?? [], result.GetValue(postLogoutRedirectUris) ?? []);
            if (signIn.Concat(signOut).Select(RelyingPartyClients.RedirectUriProblem).FirstOrDefault(p => p is not null) is { } problem)
            {
                await Console.Error.WriteLineAsync(AdminCommandLine.Printable(problem));
                return 2;
            }
            RelyingPartyCredentials credentials;
            try
            {
                credentials = await relyingParties.AddAsync(result.GetValue(name)!, cancellationToken);
            }
            catch (ArgumentException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return 2;
            }
            if (signIn.Length + signOut.Length > 0)
            {
                await relyingParties.SetReturnAddressesAsync(credentials.ClientId, signIn, signOut, cancellationToken);
            }
            PrintCredentials("added", credentials);
            return 0;
        });
        return command;
    }

    private static (Option<string[]> RedirectUris, Option<string[]> PostLogoutRedirectUris) ReturnAddressOptions() =>
    (
        new Option<string[]>("--redirect-uri")
        {
            Description = "An address OpenID Connect sign-ins may return to (https, or http on localhost); repeat for several.", HelpName = "URI",
        },
        new Option<string[]>("--post-logout-redirect-uri")
        {
            Description = "An address people may be sent to after signing out through OpenID Connect; repeat for several.", HelpName = "URI",
        }
    );

    private static Command ReturnAddressesCommand()
    {
        var clientId = ClientIdArgument();
        var (redirectUris, postLogoutRedirectUris) = ReturnAddressOptions();
        var command = new Command("return-addresses",
            "Replace a relying party's OpenID Connect return addresses with the ones given (none given: it cannot sign people in through OpenID Connect).")
        {
            clientId, redirectUris, postLogoutRedirectUris,
        };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var set = await services.Get<RelyingPartyService>().SetReturnAddressesAsync(result.GetValue(clientId)!, result.GetValue(redirectUris) ?? [],
                result.GetValue(postLogoutRedirectUris) ?? [], cancellationToken);
            if (set is not { } outcome)
            {
                return UnknownClient(result.GetValue(clientId)!);
            }
            if (!outcome.Succeeded)
            {
                await Console.Error.WriteLineAsync(AdminCommandLine.Printable(outcome.Error!.Description));
                return 2;
            }
            Console.WriteLine($"Relying party \"{outcome.Value.Name}\" ({outcome.Value.ClientId}) now returns people to:");
            await PrintReturnAddressesAsync(services.Get<RelyingPartyClients>(), outcome.Value.ClientId, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command FlowsCommand()
    {
        var clientId = ClientIdArgument();
        var flows = new Option<string[]>("--flow")
        {
            Description = $"A flow the relying party may use through OpenID Connect: {string.Join(", ", RelyingPartyClients.Flows)}; repeat for several. " +
                "None: only the API with its secret.",
            HelpName = "FLOW",
        };
        var command = new Command("flows", "Replace the OpenID Connect flows a relying party may use (all three by default).") { clientId, flows };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var set = await services.Get<RelyingPartyService>().SetFlowsAsync(result.GetValue(clientId)!, result.GetValue(flows) ?? [], cancellationToken);
            if (set is not { } outcome)
            {
                return UnknownClient(result.GetValue(clientId)!);
            }
            if (!outcome.Succeeded)
            {
                await Console.Error.WriteLineAsync(AdminCommandLine.Printable(outcome.Error!.Description));
                return 2;
            }
            var now = await services.Get<RelyingPartyClients>().FlowsAsync(outcome.Value.ClientId, cancellationToken);
            Console.WriteLine($"Relying party \"{outcome.Value.Name}\" ({outcome.Value.ClientId}) may use: {(now.Count == 0 ? "(no flow)" : string.Join(", ", now))}.");
            return 0;
        });
        return command;
    }

    private static async Task PrintReturnAddressesAsync(RelyingPartyClients clients, string clientId, CancellationToken cancellationToken)
    {
        var (signIn, signOut) = await clients.RedirectUrisAsync(clientId, cancellationToken);
        Console.WriteLine($"  after sign-in:  {(signIn.Count == 0 ? "(none)" : string.Join(' ', signIn))}");
        Console.WriteLine($"  after sign-out: {(signOut.Count == 0 ? "(none)" : string.Join(' ', signOut))}");
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List relying parties.");
        command.SetAdminAction(async (_, services, cancellationToken) =>
        {
            foreach (var party in await services.Get<RelyingPartyService>().ListAsync(cancellationToken))
            {
                var disabled = party.DisabledAt is { } at ? $", disabled {at:u}" : "";
                var (signIn, signOut) = await services.Get<RelyingPartyClients>().RedirectUrisAsync(party.ClientId, cancellationToken);
                var returns = signIn.Count + signOut.Count == 0 ? ""
                    : $"  returns to {string.Join(' ', signIn)}{(signOut.Count == 0 ? "" : $", after sign-out {string.Join(' ', signOut)}")}";
                var flows = await services.Get<RelyingPartyClients>().FlowsAsync(party.ClientId, cancellationToken);
                var webhook = party.WebhookUrl is { } url ? $"  webhook {url}" : "";
                Console.WriteLine($"{party.ClientId}  {party.Name}  (added {party.CreatedAt:u}{disabled})  flows {(flows.Count == 0 ? "none" : string.Join(',', flows))}{returns}{webhook}");
            }
            return 0;
        });
        return command;
    }

    private static Command WebhookCommand()
    {
        var clientId = ClientIdArgument();
        var url = new Argument<string?>("url")
        {
            Description = "Where to post the events of the party's questions (answered, denied, expired): an https URL.",
            HelpName = "URL",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var remove = new Option<bool>("--remove") { Description = "Post no more events; those still waiting are dropped." };
        var command = new Command("webhook", "Set a relying party's webhook, with a new signing secret printed once, or remove it.") { clientId, url, remove };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var (address, removing) = (result.GetValue(url), result.GetValue(remove));
            if ((address is null) != removing)
            {
                await Console.Error.WriteLineAsync("Give either a URL or --remove.");
                return 2;
            }
            var set = await services.Get<RelyingPartyService>().SetWebhookAsync(result.GetValue(clientId)!, address, cancellationToken);
            if (set is null)
            {
                return UnknownClient(result.GetValue(clientId)!);
            }
            if (!set.Value.Succeeded)
            {
                await Console.Error.WriteLineAsync(AdminCommandLine.Printable(set.Value.Error!.Description));
                return 2;
            }
            if (set.Value.Value is not { } secret)
            {
                Console.WriteLine($"Relying party {result.GetValue(clientId)} has no webhook any more.");
                return 0;
            }
            Console.WriteLine($"Relying party {result.GetValue(clientId)} posts its questions' events to {address}.");
            Console.WriteLine($"signing secret: {secret}");
            Console.WriteLine("Keep the secret now: it cannot be shown again. Setting the webhook again makes a new one.");
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
