using System.CommandLine;
using Cipherpad.Server.Accounts;
using static Cipherpad.Server.Admin.AdminCommandLine;

namespace Cipherpad.Server.Admin;

/// <summary>
/// <c>support list | show | resolve</c>: requests from people who lost their e-mail or phone. Everything in a request
/// was typed by someone on the internet, so it is printed through <see cref="AdminCommandLine.Printable"/>.
/// </summary>
public static class SupportCommands
{
    public static Command Build()
    {
        var command = new Command("support", "Support requests from people who lost their e-mail or phone.");
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(ShowCommand());
        command.Subcommands.Add(ResolveCommand());
        return command;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The request's id, or its first characters as 'support list' shows them.", HelpName = "ID" };

    private static Command ListCommand()
    {
        var command = new Command("list", "Open support requests, oldest first.");
        command.SetAdminAction(async (_, services, cancellationToken) =>
        {
            foreach (var request in await services.Get<SupportRequests>().OpenAsync(cancellationToken))
            {
                Console.WriteLine($"{request.Id.ToString()[..8]}  {request.CreatedAt:u}  {Printable(request.AccountEmail)}  lost {Printable(request.Lost)}  " +
                    $"contact {Printable(request.Contact)}");
            }
            return 0;
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var id = IdArgument();
        var command = new Command("show", "Show one support request in full.") { id };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var shown = await services.Get<SupportRequests>().FindAsync(result.GetValue(id)!, cancellationToken);
            if (shown is null)
            {
                await Console.Error.WriteLineAsync($"No single support request starts with {Printable(result.GetValue(id))}.");
                return 1;
            }
            // Lines of the message stay lines, indented under it, so none can pass for a field of its own.
            const string Indent = "          ";
            Console.WriteLine($"""
                Request:  {shown.Id}
                Received: {shown.CreatedAt:u} from {Printable(shown.Ip)}
                Account:  {Printable(shown.AccountEmail)}
                Name:     {Printable(shown.Name)}
                Contact:  {Printable(shown.Contact)}
                Lost:     {Printable(shown.Lost)}
                Message:  {Printable(shown.Message, Environment.NewLine + Indent)}
                State:    {(shown.ResolvedAt is null ? "open" : $"resolved {shown.ResolvedAt:u}: {Printable(shown.Resolution)}")}
                """);
            return 0;
        });
        return command;
    }

    private static Command ResolveCommand()
    {
        var id = IdArgument();
        var note = new Option<string>("--note") { Description = "What was done, kept with the request.", Required = true, HelpName = "TEXT" };
        var command = new Command("resolve", "Close a support request with a note.") { id, note };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var support = services.Get<SupportRequests>();
            var resolving = await support.FindAsync(result.GetValue(id)!, cancellationToken);
            if (resolving is null || !await support.ResolveAsync(resolving.Id, result.GetValue(note)!, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"No single open support request starts with {Printable(result.GetValue(id))}.");
                return 1;
            }
            Console.WriteLine("Resolved.");
            return 0;
        });
        return command;
    }
}
