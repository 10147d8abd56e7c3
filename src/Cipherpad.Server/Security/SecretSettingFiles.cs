using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Security;

/// <summary>
/// Settings that are secrets — an SMTP password, a connection string with its password, the SMS gateway's token — read
/// from files, one a setting, named as its environment variable (<c>Cipherpad__Email__SmtpPassword</c>), in the folder
/// <c>Cipherpad:SecretsDirectory</c> names: what container secrets (<c>/run/secrets</c>) and systemd credentials
/// (<c>%d</c>) provide, so that they are in neither the environment nor a settings file. A file's value wins over the same
/// setting given elsewhere. Files whose names do not start with <c>Cipherpad__</c>, such as the master key's, are not opened.
/// </summary>
public static class SecretSettingFiles
{
    /// <summary>The setting that names the folder.</summary>
    public const string Setting = CipherpadOptions.Section + ":SecretsDirectory";

    private const string Prefix = CipherpadOptions.Section + "__";

    /// <summary>Adds the folder's settings to <paramref name="configuration"/> when the setting names one.</summary>
    /// <exception cref="OptionsValidationException">The folder does not exist, or a file of a setting cannot be read.</exception>
    public static void AddSecretSettingFiles(this IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[Setting] is not { Length: > 0 } folder)
        {
            return;
        }
        if (!Directory.Exists(folder))
        {
            throw Refusal($"{Setting} = '{folder}', which is not a folder: name the folder holding one file a secret setting " +
                "(such as /run/secrets or systemd's %d), or leave it empty.");
        }
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(folder, Prefix + "*"))
        {
            string value;
            try
            {
                value = File.ReadAllText(file);
            }
            catch (Exception unreadable) when (unreadable is UnauthorizedAccessException or IOException)
            {
                throw Refusal($"The setting file {file} cannot be read by the user the server runs as ({Environment.UserName}): {unreadable.Message}");
            }
            // As `echo value > file` leaves it.
            settings[Path.GetFileName(file).Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] =
                value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2] : value.EndsWith('\n') ? value[..^1] : value;
        }
        configuration.AddInMemoryCollection(settings);
    }

    private static OptionsValidationException Refusal(string message) =>
        new(CipherpadOptions.Section, typeof(CipherpadOptions), [message]);
}
