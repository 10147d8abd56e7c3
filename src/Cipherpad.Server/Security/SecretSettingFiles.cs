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
    public const string Setting = CipherpadOptions.Section + ":" + nameof(CipherpadOptions.SecretsDirectory);

    private const string Prefix = CipherpadOptions.Section + "__";

    /// <summary>The most a setting's file may hold.</summary>
    public const int MaxBytes = 64 * 1024;

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
        // Any case, as configuration keys are (Kubernetes secret keys are often lower-case); links are followed, as
        // Kubernetes mounts each key as a link into its ..data folder, whose own name does not match.
        var named = new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive, IgnoreInaccessible = false };
        IEnumerable<string> files;
        try
        {
            files = [.. Directory.EnumerateFiles(folder, Prefix + "*", named)];
        }
        catch (Exception unreadable) when (unreadable is UnauthorizedAccessException or IOException)
        {
            throw Refusal($"{Setting} = '{folder}' cannot be listed by the user the server runs as ({Environment.UserName}): {unreadable.Message}");
        }
        foreach (var file in files)
        {
            settings[Path.GetFileName(file).Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = Read(file);
        }
        configuration.AddInMemoryCollection(settings);
    }

    /// <summary>A setting's value: the file's text without the newline <c>echo value > file</c> leaves.</summary>
    private static string Read(string file)
    {
        try
        {
            // A setting is a line or a connection string: a larger file (or /dev/zero) is a mistake, read no further.
            using var stream = File.OpenRead(file);
            var bytes = new byte[MaxBytes + 1];
            var length = 0;
            for (int read; length < bytes.Length && (read = stream.Read(bytes, length, bytes.Length - length)) > 0;)
            {
                length += read;
            }
            if (length > MaxBytes)
            {
                throw Refusal($"The setting file {file} is larger than {MaxBytes} bytes: it holds one setting's value.");
            }
            var value = System.Text.Encoding.UTF8.GetString(bytes, 0, length);
            return value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2] : value.EndsWith('\n') ? value[..^1] : value;
        }
        catch (Exception unreadable) when (unreadable is UnauthorizedAccessException or IOException)
        {
            throw Refusal($"The setting file {file} cannot be read by the user the server runs as ({Environment.UserName}): {unreadable.Message}");
        }
    }

    private static OptionsValidationException Refusal(string message) =>
        new(CipherpadOptions.Section, typeof(CipherpadOptions), [message]);
}
