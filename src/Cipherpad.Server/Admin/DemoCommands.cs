using System.CommandLine;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.RelyingParties;

namespace Cipherpad.Server.Admin;

/// <summary><c>demo seed</c>: what <c>samples/run-demo.sh</c> needs to show the whole product on one machine, in Development only.</summary>
public static class DemoCommands
{
    public const string WalletName = "Demo Wallet";

    public static Command Build()
    {
        var command = new Command("demo", "The demonstration with the demo wallet (Development only).");
        command.Subcommands.Add(SeedCommand());
        return command;
    }

    private static Command SeedCommand()
    {
        var email = new Option<string>("--email") { Description = "The demonstration account's e-mail.", DefaultValueFactory = _ => "demo@example.com", HelpName = "EMAIL" };
        var wallet = new Option<string>("--wallet") { Description = "The demo wallet's address.", DefaultValueFactory = _ => "http://localhost:5090", HelpName = "URL" };
        var command = new Command("seed",
            "Make (or reuse) a confirmed account with the cipher pad as its method and a new activation code for it, and register the demo wallet " +
            "as a relying party returning to --wallet, with a new secret (a relying party of that name is reused and its secret replaced). Prints shell variables: DEMO_EMAIL, DEMO_ACTIVATION_CODE, DEMO_CLIENT_ID, " +
            "DEMO_CLIENT_SECRET.")
        {
            email, wallet,
        };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            if (!services.Get<IHostEnvironment>().IsDevelopment())
            {
                await Console.Error.WriteLineAsync("demo seed makes an account without registration: it runs only in Development (ASPNETCORE_ENVIRONMENT=Development).");
                return 2;
            }
            var invalid = AccountRules.EmailProblem(result.GetValue(email))?.ToString()
                ?? (result.GetValue(email)!.Any(c => c is '\'' or '"' or '$' or '`' or '\\') ? "Give a plain e-mail address: it is printed for a shell to read." : null);
            if (invalid is not null)
            {
                await Console.Error.WriteLineAsync(AdminCommandLine.Printable(invalid));
                return 2;
            }
            var walletAddress = result.GetValue(wallet)!.TrimEnd('/');
            string[] signIn = [$"{walletAddress}/signin-oidc"], signOut = [$"{walletAddress}/signout-callback-oidc"];
            if (signIn.Concat(signOut).Select(RelyingPartyClients.RedirectUriProblem).FirstOrDefault(p => p is not null) is { } problem)
            {
                await Console.Error.WriteLineAsync(AdminCommandLine.Printable(problem));
                return 2;
            }
            var code = await services.Get<AccountService>().SeedDemoAccountAsync(result.GetValue(email)!, cancellationToken);
            var relyingParties = services.Get<RelyingPartyService>();
            var existing = (await relyingParties.ListAsync(cancellationToken)).FirstOrDefault(p => p.Name == WalletName);
            var credentials = existing is null
                ? await relyingParties.AddAsync(WalletName, cancellationToken)
                : (await relyingParties.RotateSecretAsync(existing.ClientId, cancellationToken))!;
            await relyingParties.SetDisabledAsync(credentials.ClientId, disabled: false, cancellationToken);
            await relyingParties.SetReturnAddressesAsync(credentials.ClientId, signIn, signOut, cancellationToken);
            // Single-quoted for the shell that reads them; none of the values can hold a quote.
            Console.WriteLine($"DEMO_EMAIL='{Core.Activation.KeyAgreement.NormalizeEmail(result.GetValue(email)!)}'");
            Console.WriteLine($"DEMO_ACTIVATION_CODE='{code}'");
            Console.WriteLine($"DEMO_CLIENT_ID='{credentials.ClientId}'");
            Console.WriteLine($"DEMO_CLIENT_SECRET='{credentials.ClientSecret}'");
            return 0;
        });
        return command;
    }
}
