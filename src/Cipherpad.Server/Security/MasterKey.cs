using System.Security.Cryptography;
using Cipherpad.Server.Storage;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Security;

/// <summary>
/// The 32-byte key that encrypts every secret at rest. It comes from CIPHERPAD_MASTER_KEY (or
/// Cipherpad:MasterKey:Value), else from the key file named by Cipherpad:MasterKey:File. Only in Development is a key
/// made when none is given, into the data directory (<c>master.key</c>); outside Development that file is
/// refused, so a key that a developer's run left beside the database never protects production data unnoticed.
/// </summary>
public sealed class MasterKey
{
    public const string EnvironmentVariable = "CIPHERPAD_MASTER_KEY";

    private MasterKey(byte[] key) => Key = key;

    public byte[] Key { get; }

    /// <summary>Names the key without revealing it: stored beside what it wraps, so the right key is found after a rotation.</summary>
    public string Id => IdOf(Key);

    /// <summary>The earlier master keys (<c>Cipherpad:MasterKey:Previous</c>), which only unwrap.</summary>
    public IReadOnlyList<byte[]> Previous { get; private init; } = [];

    internal static string IdOf(byte[] key) =>
        Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 8, salt: [], info: System.Text.Encoding.UTF8.GetBytes("Cipherpad key id")));

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
        var previous = options.MasterKey.Previous.Select((key, index) => Decode(key, $"Cipherpad:MasterKey:Previous:{index}")).ToList();
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable) ?? options.MasterKey.Value;
        if (!string.IsNullOrWhiteSpace(value))
        {
            return new MasterKey(Decode(value, EnvironmentVariable)) { Previous = previous };
        }
        var configured = options.MasterKey.File is { Length: > 0 } name ? Path.GetFullPath(name) : null;
        // Without a file named, the key Development makes for itself, in the data directory.
        var file = configured ?? options.DataPath("master.key");
        if (File.Exists(file))
        {
            if (configured is null && !environment.IsDevelopment())
            {
                throw Refusal($"The only master key is {file}, the key a Development run made for itself, and it is not used outside " +
                    $"Development: set {EnvironmentVariable} to a key of your own (openssl rand -base64 32). If data you keep is encrypted " +
                    "with that key, move the file out of the data directory and name it in Cipherpad:MasterKey:File.");
            }
            return new MasterKey(Decode(Read(file), file)) { Previous = previous };
        }
        if (!environment.IsDevelopment())
        {
            throw Refusal($"No master key: set {EnvironmentVariable} to 32 random bytes in base64 (openssl rand -base64 32), or name a file " +
                $"holding them in Cipherpad:MasterKey:File{(configured is null ? "" : $" (it names {configured}, which does not exist)")}. " +
                "A key is made automatically only in Development.");
        }
        var key = RandomNumberGenerator.GetBytes(32);
        using (var stream = OwnerOnlyFiles.Create(file))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
        }
        LogGenerated(logger, file);
        return new MasterKey(key);
    }

    private static string Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception unreadable) when (unreadable is UnauthorizedAccessException or IOException)
        {
            // Typically a key file owned by root with mode 0600 and a server that runs as its own user, as in a container.
            throw Refusal($"The master key file {file} cannot be read by the user the server runs as ({Environment.UserName}): " +
                $"{unreadable.Message} It must be a file that user alone may read (chown, chmod 0400).");
        }
    }

    private static OptionsValidationException Refusal(string message) =>
        new(CipherpadOptions.Section, typeof(CipherpadOptions), [message]);

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
        throw Refusal($"The master key from {source} is not 32 bytes in base64 (openssl rand -base64 32 makes one).");
    }

    private static void LogGenerated(ILogger logger, string file) =>
        logger.LogWarning("Development: generated a new master key in {File}. Secrets encrypted with it are unreadable without it; " +
            "in production, provide the key through {Variable} or a key file kept outside the database backups.", file, EnvironmentVariable);
}
