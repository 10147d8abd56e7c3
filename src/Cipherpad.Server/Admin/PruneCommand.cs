using System.CommandLine;
using Cipherpad.Server.Pruning;

namespace Cipherpad.Server.Admin;

/// <summary><c>prune</c>: one run of the pruner now, for a scheduler when the background run is off.</summary>
public static class PruneCommand
{
    public static Command Build()
    {
        var command = new Command("prune", "Delete expired data now, as the background run does (Cipherpad:Pruning), and print how many rows of each kind went.");
        command.SetAdminAction(async (_, services, cancellationToken) =>
        {
            var result = await services.Get<DataPruner>().PruneAsync(services.Get<TimeProvider>().GetUtcNow(), cancellationToken);
            foreach (var (kind, count) in result.ByKind())
            {
                Console.WriteLine($"{kind + ":",-25}{count,8}");
            }
            Console.WriteLine($"{"total:",-25}{result.Total,8}");
            return 0;
        });
        return command;
    }
}
