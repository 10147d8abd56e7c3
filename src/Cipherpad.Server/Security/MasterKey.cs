using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Security;

/// <summary>
/// The 32-byte key that encrypts every secret at rest. It comes from CIPHERPAD_MASTER_KEY (or
/// Cipherpad:MasterKey:Value), else from the key file; only in Development is a missing file created.
/// </summary>
public sealed class MasterKey
{
    public const string EnvironmentVariable = "CIPHERPAD_MASTER_KEY";

    private MasterKey(byte[] key) => Key = key;

    public byte[] Key { get; }

    /// <summary>
    /// A 32-byte key for one purpose, derived with HKDF-SHA256 (RFC 5869), so a key handed to a MAC or a signature never
    /// equals the key that encrypts secrets, and knowing one derived key tells nothing about the master key or another.
    /// </summary>
    public byte[] DeriveKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, Key, 32, salt: [], info: System.Text.Encoding.UTF8.GetBytes("Cipherpad " + purpose));
    }

    public static MasterKey Load(CipherpadOptions options, IHostEnvironment environment, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable) ?? options.MasterKey.Value;
        if (!string.IsNullOrWhiteSpace(value))
        {
            return new MasterKey(Decode(value, EnvironmentVariable));
        }
        var file = options.MasterKey.File is { Length: > 0 } configured ? Path.GetFullPath(configured) : options.DataPath("master.key");
        if (File.Exists(file))
        {
            return new MasterKey(Decode(File.ReadAllText(file), file));
        }
        if (!environment.IsDevelopment())
        {
            throw new OptionsValidationException(CipherpadOptions.Section, typeof(CipherpadOptions),
            [
                $"No master key: set {EnvironmentVariable} to 32 random bytes in base64 (openssl rand -base64 32), " +
                $"or put them in the file {file} (Cipherpad:MasterKey:File). It is generated automatically only in Development.",
            ]);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(file, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        LogGenerated(logger, file);
        return new MasterKey(key);
    }

    private static byte[] Decode(string base64, string source)
    {
        try
        {
            var key = Convert.FromBase64String(base64.Trim());
            if (key.Length == 32)
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }
        throw new OptionsValidationException(CipherpadOptions.Section, typeof(CipherpadOptions),
            [$"The master key from {source} is not 32 bytes in base64 (openssl rand -base64 32 makes one)."]);
    }

    private static void LogGenerated(ILogger logger, string file) =>
        logger.LogWarning("Development: generated a new master key in {File}. Secrets encrypted with it are unreadable without it; " +
            "in production, provide the key through {Variable} or a key file kept outside the database backups.", file, EnvironmentVariable);
}
