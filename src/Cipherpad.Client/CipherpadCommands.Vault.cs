using System.CommandLine;
using System.Globalization;

namespace Cipherpad.Client;

public static partial class CipherpadCommands
{
    private static Command VaultCommand()
    {
        var command = new Command("vault", "Keep key files in your account's key vault; each is given back only for this pad's answer to its own question.");
        var name = new Option<string?>("--name") { Description = "The item's name (default: the file's name)." };
        var file = new Argument<string>("file") { Description = "The file to store." };
        var put = new Command("put", "Store a file as the next version of an item.") { file, name, AccountOption };
        put.SetAction((result, cancellationToken) => Run(result, async terminal =>
        {
            var path = result.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CipherpadCliException($"There is no file {path}.", 2, "usage");
            }
            var itemName = result.GetValue(name) ?? Path.GetFileName(path);
            var content = await File.ReadAllBytesAsync(path, cancellationToken);
            using var api = VaultOf(result, terminal);
            var stored = await api.StoreAsync(itemName, content, cancellationToken);
            terminal.Result($"Stored \"{itemName}\", version {stored.Number} ({stored.Size} bytes).", new { name = itemName, version = stored.Number, size = stored.Size });
            return 0;
        }));

        var list = new Command("list", "List the items and their versions.") { AccountOption };
        list.SetAction((result, cancellationToken) => Run(result, async terminal =>
        {
            using var api = VaultOf(result, terminal);
            var items = (await api.ListAsync(cancellationToken)).Items;
            var text = items.Count == 0 ? "The key vault is empty."
                : string.Join(Environment.NewLine, items.Select(i => string.Create(CultureInfo.InvariantCulture,
                    $"{i.Name}  versions {string.Join(", ", i.Versions.Select(v => v.Number))}  ({i.Versions[0].Size} bytes, {i.Versions[0].CreatedAt:u})")));
            terminal.Result(text, new { items });
            return 0;
        }));

        var itemArgument = new Argument<string>("name") { Description = "The item's name." };
        var version = new Option<int?>("--version") { Description = "A version's number (default: the newest)." };
        var output = new Option<string?>("--out") { Description = "Where to write the file (default: standard output)." };
        var get = new Command("get", "Release an item: the server asks this pad a question that names it, the pad answers, and the item comes back once.")
            { itemArgument, version, output, AccountOption };
        get.SetAction((result, cancellationToken) => Run(result, async terminal =>
        {
            using var api = VaultOf(result, terminal);
            var (item, verified) = await api.ReleaseAsync(result.GetValue(itemArgument)!, result.GetValue(version), cancellationToken);
            var content = System.Buffers.Text.Base64Url.DecodeFromChars(item.Content);
            if (result.GetValue(output) is { } path)
            {
                await File.WriteAllBytesAsync(path, content, cancellationToken);
                terminal.Result($"{verified}{Environment.NewLine}Wrote \"{item.Name}\", version {item.Version}, to {path}.",
                    new { name = item.Name, version = item.Version, file = path, verified });
            }
            else
            {
                Console.Error.WriteLine(verified);
                await using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(content, cancellationToken);
            }
            return 0;
        }));

        var delete = new Command("delete", "Delete an item (or, with --version, one version) for good.") { itemArgument, version, AccountOption };
        delete.SetAction((result, cancellationToken) => Run(result, async terminal =>
        {
            using var api = VaultOf(result, terminal);
            await api.DeleteAsync(result.GetValue(itemArgument)!, result.GetValue(version), cancellationToken);
            terminal.Result($"Deleted \"{result.GetValue(itemArgument)}\"{(result.GetValue(version) is { } v ? $", version {v}" : "")}.",
                new { deleted = result.GetValue(itemArgument), version = result.GetValue(version) });
            return 0;
        }));

        var exportFile = new Argument<string>("file") { Description = "The export file downloaded from the personal account's key vault page." };
        var folder = new Option<string>("--out") { Description = "The folder to write the items into (made if missing).", Required = true };
        var openExport = new Command("open-export", "Open a key vault export offline with its passphrase and write every item into a folder.")
            { exportFile, folder };
        openExport.SetAction((result, cancellationToken) => Run(result, async terminal =>
        {
            var path = result.GetValue(exportFile)!;
            if (!File.Exists(path))
            {
                throw new CipherpadCliException($"There is no file {path}.", 2, "usage");
            }
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            IReadOnlyList<Core.Vault.ExportedItem> items;
            try
            {
                items = Core.Vault.VaultExport.Open(bytes, terminal.ReadPassphrase());
            }
            catch (FormatException exception)
            {
                throw new CipherpadCliException(exception.Message, 1, "not-an-export");
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                throw new CipherpadCliException("The passphrase is wrong, or the file was altered: nothing was written.", 1, "wrong-passphrase");
            }
            var target = Directory.CreateDirectory(result.GetValue(folder)!).FullName;
            var written = new List<string>();
            foreach (var group in items.GroupBy(i => i.Name))
            {
                var newest = group.Max(i => i.Version);
                foreach (var item in group)
                {
                    // A name is only a label: it never chooses a folder, so "../x" cannot write outside the target.
                    var file = Path.Combine(target, SafeFileName(item.Name) + (item.Version == newest ? "" : $".v{item.Version}"));
                    await File.WriteAllBytesAsync(file, item.Content, cancellationToken);
                    written.Add(file);
                }
            }
            terminal.Result($"Wrote {written.Count} file(s) to {target}:{Environment.NewLine}{string.Join(Environment.NewLine, written.Select(Path.GetFileName))}",
                new { folder = target, files = written });
            return 0;
        }));

        command.Subcommands.Add(put);
        command.Subcommands.Add(openExport);
        command.Subcommands.Add(list);
        command.Subcommands.Add(get);
        command.Subcommands.Add(delete);
        return command;
    }

    /// <summary>Unlocks the pad with its PIN and opens the vault API of the chosen account; the pad's lock is released at once.</summary>
    private static VaultApi VaultOf(ParseResult result, Terminal terminal)
    {
        using var pad = Open(result, terminal, forAnswer: true);
        return new VaultApi(ChooseAccount(pad.Vault, result.GetValue(AccountOption)));
    }

    private static string SafeFileName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string([.. name.Select(c => invalid.Contains(c) || c == '\\' ? '_' : c)]).Trim();
        return safe is "" or "." or ".." ? "item" : safe;
    }
}
