using System.CommandLine;
using Cipherpad.Server.Accounts;

namespace Cipherpad.Server.Admin;

/// <summary>
/// <c>account set-email | set-phone</c>: what a support request asks for, once the person is known. Each change is
/// written to the account's authorization log with the reason.
/// </summary>
public static class AccountCommands
{
    public static Command Build()
    {
        var command = new Command("account", "Change an account's e-mail or phone after a support request; each change is written to the account's authorization log.");
        command.Subcommands.Add(SetEmailCommand());
        command.Subcommands.Add(SetPhoneCommand());
        return command;
    }

    private static Option<string> Reason() =>
        new("--reason") { Description = "Why, for the authorization log, such as \"support 0199ab12, identity checked by video call\".", Required = true, HelpName = "TEXT" };

    private static Command SetEmailCommand()
    {
        var email = new Option<string>("--email") { Description = "The account's current e-mail.", Required = true, HelpName = "OLD" };
        var newEmail = new Option<string>("--new-email") { Description = "The new e-mail; no account may use it yet.", Required = true, HelpName = "NEW" };
        var reason = Reason();
        var command = new Command("set-email", "Change an account's e-mail.") { email, newEmail, reason };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var problem = await services.Get<SupportRequests>().ChangeEmailAsync(result.GetValue(email)!, result.GetValue(newEmail)!, result.GetValue(reason)!,
                cancellationToken);
            return AdminCommandLine.Report(problem, $"The account's e-mail is now {result.GetValue(newEmail)}.");
        });
        return command;
    }

    private static Command SetPhoneCommand()
    {
        var email = new Option<string>("--email") { Description = "The account's e-mail.", Required = true, HelpName = "EMAIL" };
        var phone = new Option<string>("--phone") { Description = "The new mobile number in international form, such as \"+49 171 7654321\".", Required = true, HelpName = "+PHONE" };
        var reason = Reason();
        var command = new Command("set-phone", "Change an account's phone.") { email, phone, reason };
        command.SetAdminAction(async (result, services, cancellationToken) =>
        {
            var problem = await services.Get<SupportRequests>().ChangePhoneAsync(result.GetValue(email)!, result.GetValue(phone)!, result.GetValue(reason)!,
                cancellationToken);
            return AdminCommandLine.Report(problem, "The account's phone is changed.");
        });
        return command;
    }
}
