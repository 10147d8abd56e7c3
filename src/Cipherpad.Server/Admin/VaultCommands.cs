using System.CommandLine;
using Cipherpad.Server.Security;
using Cipherpad.Server.Vault;

namespace Cipherpad.Server.Admin;

/// <summary><c>vault rewrap</c>: the second half of a master key rotation, for the key vault's data keys.</summary>
public static class VaultCommands
{
    public static Command Build()
    {
        var command = new Command("vault", "The key vault.");
        var rewrap = new Command("rewrap", """
            Re-wrap every data key of the key vault under the current master key, without touching item data. Rotate the
            master key by making the new key current and listing the old one in Cipherpad:MasterKey:Previous, restarting, and
            running this; the server keeps serving meanwhile. It can be stopped at any moment and run again. Once it reports
            nothing left, remove the old key from Previous.
            """);
        rewrap.SetAdminAction(async (_, services, cancellationToken) =>
        {
            var keys = services.Get<KeyWrapping>();
            var (moved, unreadable) = await services.Get<VaultService>().RewrapAsync(count =>
            {
                if (count % 100 == 0)
                {
                    Console.Error.WriteLine($"{count} re-wrapped…");
                }
            }, cancellationToken);
            Console.WriteLine($"Re-wrapped {moved} data key(s) under master key {keys.CurrentKeyId}.");
            if (unreadable > 0)
            {
                Console.WriteLine($"{unreadable} data key(s) are wrapped by a master key that is not configured: add it to Cipherpad:MasterKey:Previous and run this again.");
                return 1;
            }
            return 0;
        });
        command.Subcommands.Add(rewrap);
        return command;
    }
}
