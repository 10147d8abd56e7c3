using System.CommandLine;

namespace Cipherpad.Server.Admin;

/// <summary><c>migrate</c>: brings the database up to date, for deployments that set <c>Cipherpad:MigrateAtStart</c> to false.</summary>
public static class MigrateCommand
{
    public static Command Build()
    {
        var command = new Command("migrate", "Apply database migrations and exit.");
        command.SetAdminAction((_, _, _) =>
        {
            // Opening the services has migrated the database.
            Console.WriteLine("The database is up to date.");
            return Task.FromResult(0);
        });
        return command;
    }
}
