using System.Text;
using System.Text.Json;

namespace Cipherpad.Client;

/// <summary>Reads secrets and writes results, for a person at a terminal or for a script (environment, stdin, --json).</summary>
public sealed class Terminal(bool json, bool pinFromStdin)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public bool Json { get; } = json;

    /// <summary>The PIN: CIPHERPAD_PIN, else a line of stdin with --pin-stdin, else a hidden prompt.</summary>
    public string ReadPin(bool allowEnvironment = true, string prompt = "PIN: ")
    {
        if (Environment.GetEnvironmentVariable("CIPHERPAD_PIN") is { Length: > 0 } fromEnvironment)
        {
            return allowEnvironment ? fromEnvironment
                : throw new CipherpadCliException("Paranoid mode: enter the PIN for every answer (typed, or with --pin-stdin); CIPHERPAD_PIN is not used.", 3, "paranoid");
        }
        return ReadSecret(prompt);
    }

    /// <summary>The PIN of a new pad: CIPHERPAD_PIN, else asked for as a new PIN.</summary>
    public string ReadInitialPin() =>
        Environment.GetEnvironmentVariable("CIPHERPAD_PIN") is { Length: > 0 } fromEnvironment ? fromEnvironment : ReadNewPin();

    /// <summary>A new PIN: CIPHERPAD_NEW_PIN, else the next stdin line with --pin-stdin, else prompted twice.</summary>
    public string ReadNewPin()
    {
        if (Environment.GetEnvironmentVariable("CIPHERPAD_NEW_PIN") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }
        var pin = ReadSecret("New PIN: ");
        if (!pinFromStdin && !Console.IsInputRedirected && ReadSecret("Repeat the new PIN: ") != pin)
        {
            throw new CipherpadCliException("The two PINs differ.");
        }
        return pin;
    }

    /// <summary>The passphrase of a key vault export: CIPHERPAD_EXPORT_PASSPHRASE, else a line of stdin, else a hidden prompt.</summary>
    public string ReadPassphrase() =>
        Environment.GetEnvironmentVariable("CIPHERPAD_EXPORT_PASSPHRASE") is { Length: > 0 } fromEnvironment ? fromEnvironment : ReadSecret("Export passphrase: ");

    public static string ReadLine(string prompt)
    {
        if (!Console.IsInputRedirected)
        {
            Console.Error.Write(prompt);
        }
        return Console.ReadLine() ?? throw new CipherpadCliException($"No input for \"{prompt.TrimEnd(' ', ':')}\".");
    }

    public void Result(string text, object jsonValue)
    {
        Console.Out.WriteLine(Json ? JsonSerializer.Serialize(jsonValue, JsonOptions) : text);
    }

    public static void Error(string message, bool json, string code)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { error = code, message }, JsonOptions));
        }
        Console.Error.WriteLine($"cipherpad: {message}");
    }

    private string ReadSecret(string prompt)
    {
        if (pinFromStdin || Console.IsInputRedirected)
        {
            return Console.ReadLine() ?? throw new CipherpadCliException("No PIN on standard input.");
        }
        Console.Error.Write(prompt);
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return secret.ToString();
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }
    }
}

/// <summary>A failure with a message for the user and an exit code.</summary>
public sealed class CipherpadCliException(string message, int exitCode = 1, string code = "error") : Exception(message)
{
    public int ExitCode { get; } = exitCode;
    public string Code { get; } = code;
}
