using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text;

namespace Cipherpad.Server.Admin;

/// <summary>
/// The <c>cipherpad-server</c> program's administration commands. Each one works on the server's database with the
/// server's own configuration (appsettings.json, environment variables), migrating it first, and exits; help and
/// usage errors touch nothing. Exit codes: 0 done, 1 failed (such as nothing found), 2 bad usage.
/// </summary>
public static class AdminCommandLine
{
    public const string ProgramName = "cipherpad-server";

    private static readonly string[] HelpTokens = ["-h", "--help", "-?", "/?", "/h", "--version"];

    /// <summary>
    /// Whether the arguments ask for a command (or for help) rather than configure the server: the server's own
    /// arguments are ASP.NET Core host settings, which start with - or / or are key=value (<c>--urls http://…</c>,
    /// <c>--environment Development</c>, <c>urls=http://…</c>).
    /// </summary>
    public static bool IsAdminCommand(string[] args) =>
        args is [var first, ..] && (HelpTokens.Contains(first) || !(first.StartsWith('-') || first.StartsWith('/') || first.Contains('=', StringComparison.Ordinal)));

    public static RootCommand Build()
    {
        var root = new RootCommand($"""
            Cipherpad server. Without a command, {ProgramName} runs the server (host arguments such as --urls http://127.0.0.1:5080
            or --environment Development are accepted). With a command, it administers the server's database with the
            server's own settings (appsettings.json, environment variables such as Cipherpad__Database__Provider) and exits.
            """);
        root.Subcommands.Add(MigrateCommand.Build());
        root.Subcommands.Add(RelyingPartyCommands.Build());
        root.Subcommands.Add(OidcCommands.Build());
        root.Subcommands.Add(DemoCommands.Build());
        root.Subcommands.Add(SupportCommands.Build());
        root.Subcommands.Add(AccountCommands.Build());
        root.Subcommands.Add(PruneCommand.Build());
        root.Subcommands.Add(VaultCommands.Build());
        root.Subcommands.Add(MasterKeyCommands.Build());
        root.Subcommands.Add(BackupCommand.Build());
        return root;
    }

    /// <summary>Runs the command; a usage error prints what was wrong and the usage of every command, and gives 2.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is not HelpAction)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }
            await Console.Error.WriteLineAsync(Usage(root));
            return 2;
        }
        return await result.InvokeAsync();
    }

    /// <summary>One line per command with its arguments and options, generated from the commands themselves.</summary>
    internal static string Usage(RootCommand root)
    {
        var lines = new List<(string Syntax, string Description)>();
        void Add(Command command, string path)
        {
            path = $"{path} {command.Name}";
            if (command.Subcommands.Count == 0)
            {
                var syntax = command.Arguments.Select(a => a.HelpName ?? a.Name.ToUpperInvariant())
                    .Concat(command.Options.Where(o => o is not (HelpOption or VersionOption)).Select(OptionSyntax));
                lines.Add((string.Join(' ', [path, .. syntax]), command.Description ?? ""));
            }
            foreach (var subcommand in command.Subcommands)
            {
                Add(subcommand, path);
            }
        }
        foreach (var command in root.Subcommands)
        {
            Add(command, ProgramName);
        }
        var usage = new StringBuilder("Usage:").AppendLine();
        foreach (var (syntax, description) in lines)
        {
            usage.Append("  ").AppendLine(syntax).Append("      ").AppendLine(description.ReplaceLineEndings(" "));
        }
        return usage.Append(CultureInfo.InvariantCulture, $"Run '{ProgramName} COMMAND --help' for more; without a command {ProgramName} runs the server.")
            .ToString();
    }

    private static string OptionSyntax(Option option)
    {
        var syntax = option.ValueType == typeof(bool) ? option.Name : $"{option.Name} {option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant()}";
        return option.Required ? syntax : $"[{syntax}]";
    }

    /// <summary>
    /// Text from outside (a support request, a name) made safe for a terminal: control and formatting characters, such
    /// as the escape that starts a terminal sequence or a right-to-left override, are shown escaped (<c>\u001b</c>) and
    /// never reach the terminal raw. Line breaks become <paramref name="lineBreak"/>, or are escaped when it is null.
    /// </summary>
    internal static string Printable(string? text, string? lineBreak = null)
    {
        var printable = new StringBuilder();
        var runes = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).EnumerateRunes();
        foreach (var rune in runes)
        {
            if (rune.Value == '\n' && lineBreak is not null)
            {
                printable.Append(lineBreak);
            }
            else if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator)
            {
                printable.Append(rune.Value switch
                {
                    '\n' => @"\n",
                    '\r' => @"\r",
                    '\t' => @"\t",
                    <= 0xFFFF => $@"\u{rune.Value:x4}",
                    _ => $@"\U{rune.Value:x8}",
                });
            }
            else
            {
                printable.Append(rune.ToString());
            }
        }
        return printable.ToString();
    }

    /// <summary>Sets an action that gets the server's services: configured, the database migrated, nothing listening.</summary>
    internal static void SetAdminAction(this Command command, Func<ParseResult, AdminServices, CancellationToken, Task<int>> action) =>
        command.SetAction(async (result, cancellationToken) =>
        {
            AdminServices services;
            try
            {
                services = await AdminServices.OpenAsync(cancellationToken);
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return 1;
            }
            await using (services)
            {
                return await action(result, services, cancellationToken);
            }
        });

    /// <summary>Prints the problem to standard error (1), or the success to standard output (0).</summary>
    internal static int Report(string? problem, string success)
    {
        if (problem is not null)
        {
            Console.Error.WriteLine(problem);
            return 1;
        }
        Console.WriteLine(success);
        return 0;
    }
}

/// <summary>The server's services for one admin command, built as the server builds them but never started.</summary>
internal sealed class AdminServices : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AsyncServiceScope _scope;

    private AdminServices(WebApplication app)
    {
        _app = app;
        _scope = app.Services.CreateAsyncScope();
    }

    public static async Task<AdminServices> OpenAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        // Standard output is the command's result, which people read and scripts parse: the server's logs (such as Entity
        // Framework's statements while it migrates) go to standard error, and only warnings and errors unless a setting
        // asks for more of one category (Logging:LogLevel:Cipherpad); Logging:LogLevel:Default does not.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        builder.AddCipherpad();
        var app = builder.Build();
        try
        {
            // As the server: without a master key it may use, refuse before the database is created or migrated.
            _ = app.Services.GetRequiredService<Security.MasterKey>();
            await Storage.StorageExtensions.MigrateDatabaseAsync(app.Services, cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new AdminServices(app);
    }

    public T Get<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _app.DisposeAsync();
    }
}
