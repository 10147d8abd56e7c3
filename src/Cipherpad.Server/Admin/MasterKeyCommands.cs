using System.CommandLine;
using Cipherpad.Server.Security;

namespace Cipherpad.Server.Admin;

/// <summary><c>master-key reencrypt</c>: the second half of a master key rotation, for every secret at rest.</summary>
public static class MasterKeyCommands
{
    public static Command Build()
    {
        var command = new Command("master-key", "The master key that encrypts every secret at rest.");
        var reencrypt = new Command("reencrypt", """
            Encrypt every secret at rest (device secrets, activation codes, push subscriptions, webhook secrets, the server's own
            keys, data-protection keys, unsent messages, the key vault's data keys, …) under the current master key. Rotate the
            master key by making the new key current and listing the old one in Cipherpad:MasterKey:Previous, restarting every
            server, and running this; the servers keep serving meanwhile. It can be stopped at any moment and run again. Once
            it reports nothing left under another key, remove the old key from Previous.
            """);
        reencrypt.SetAdminAction(async (_, services, cancellationToken) =>
        {
            var total = 0;
            var results = await services.Get<MasterKeyRotation>().ReencryptAsync(_ =>
            {
                if (++total % 100 == 0)
                {
                    Console.Error.WriteLine($"{total} re-encrypted…");
                }
            }, cancellationToken);
            foreach (var (name, result) in results)
            {
                Console.WriteLine($"{name}: {result.Moved} re-encrypted" + (result.Unreadable > 0 ? $", {result.Unreadable} under a key that is not configured" : ""));
            }
            var unreadable = results.Sum(r => r.Result.Unreadable);
            Console.WriteLine($"Re-encrypted {results.Sum(r => r.Result.Moved)} secret(s) under master key {services.Get<MasterKey>().Id}.");
            if (unreadable > 0)
            {
                Console.WriteLine($"{unreadable} secret(s) are encrypted under a master key that is not configured: add it to Cipherpad:MasterKey:Previous and run this again.");
                return 1;
            }
            return 0;
        });
        command.Subcommands.Add(reencrypt);
        return command;
    }
}
