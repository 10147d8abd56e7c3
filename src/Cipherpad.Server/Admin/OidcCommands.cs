using System.CommandLine;
using Cipherpad.Server.Oidc;

namespace Cipherpad.Server.Admin;

/// <summary><c>oidc keys | rotate-keys</c>: the OpenID Connect provider's signing and encryption keys.</summary>
public static class OidcCommands
{
    public static Command Build()
    {
        var command = new Command("oidc", "The OpenID Connect provider's keys.");
        command.Subcommands.Add(KeysCommand());
        command.Subcommands.Add(RotateKeysCommand());
        return command;
    }

    private static Command KeysCommand()
    {
        var command = new Command("keys", "List the keys in use: the current one of each use, and the replaced ones until they retire.");
        command.SetAdminAction(async (_, services, cancellationToken) =>
        {
            foreach (var key in await services.Get<OidcKeys>().ListAsync(cancellationToken))
            {
                var state = key.RetiresAt is { } at ? $"retires {at:u}" : "current";
                Console.WriteLine($"{key.Id,-30} {key.Use,-10} made {key.CreatedAt:u}, {state}");
            }
            return 0;
        });
        return command;
    }

    private static Command RotateKeysCommand()
    {
        var command = new Command("rotate-keys",
            "Make a new signing key and a new encryption key. Each server process uses them from its next start; the keys they replace stay " +
            "published and able to read tokens until every token they made has expired (the longest token lifetime).");
        command.SetAdminAction(async (_, services, cancellationToken) =>
        {
            var made = await services.Get<OidcKeys>().RotateAsync(cancellationToken);
            Console.WriteLine($"New keys: {string.Join(", ", made)}. Restart each server process to sign with them.");
            return 0;
        });
        return command;
    }
}
