using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cipherpad.Client;

/// <summary>An account activated on this cipher pad.</summary>
public sealed class PadAccount
{
    public required string Email { get; set; }
    public required string Server { get; set; }
    public required Guid DeviceId { get; set; }
    public required string DeviceSecret { get; set; }
    public DateTimeOffset ActivatedAt { get; set; }
}

public sealed class PadSettings
{
    /// <summary>Erase everything after this many wrong PINs in a row: 3, 5 or 10.</summary>
    public int AutoDeactivateAfter { get; set; } = 5;

    /// <summary>The PIN must be entered for every answer: CIPHERPAD_PIN, which stays set in a shell, is not used for answers.</summary>
    public bool Paranoid { get; set; }

    /// <summary>Show answers as 1234 5678 rather than 12345678.</summary>
    public bool Grouped { get; set; } = true;
}

/// <summary>The decrypted contents: accounts and settings.</summary>
public sealed class PadVault
{
    public List<PadAccount> Accounts { get; set; } = [];
    public PadSettings Settings { get; set; } = new();
}

/// <summary>
/// The cipher pad's file: the vault encrypted with AES-256-GCM under a key derived from the PIN by PBKDF2-SHA256.
/// Wrong PINs are counted in the file before the answer is known, so killing the program cannot skip the count.
/// </summary>
public sealed class PadStore
{
    public const int DefaultIterations = 600_000;
    public const int MinimumIterations = 10_000;
    private const string FileName = "pad.json";
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("cipherpad-store-v1");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly StoreFile _file;

    private PadStore(string directory, StoreFile file)
    {
        Directory = directory;
        _file = file;
    }

    public string Directory { get; }
    public string Path => System.IO.Path.Combine(Directory, FileName);
    public int WrongPins => _file.WrongPins;
    public int AutoDeactivateAfter => _file.AutoDeactivateAfter;

    /// <summary>Mirrors the vault's paranoid setting, which must be known before the PIN is asked for.</summary>
    public bool Paranoid => _file.Paranoid;

    public static bool Exists(string directory) => File.Exists(System.IO.Path.Combine(directory, FileName));

    public static PadStore Create(string directory, string pin, int iterations)
    {
        var store = new PadStore(directory, new StoreFile { Iterations = iterations, Salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)) });
        store.Save(pin, new PadVault());
        return store;
    }

    public static PadStore Load(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        var file = JsonSerializer.Deserialize<StoreFile>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path} is not a cipher pad file.");
        if (file.Version != 1 || file.Iterations < MinimumIterations || string.IsNullOrEmpty(file.Salt) || string.IsNullOrEmpty(file.Vault))
        {
            throw new InvalidDataException($"{path} is not a cipher pad file this version can read.");
        }
        return new PadStore(directory, file);
    }

    /// <summary>Opens the vault with <paramref name="pin"/>; null for a wrong PIN, which is counted (and may erase the pad).</summary>
    public PadVault? Unlock(string pin, out bool erased)
    {
        erased = false;
        // Count first, then check: a wrong PIN stays counted even if the process is killed mid-way.
        _file.WrongPins++;
        WriteFile();
        var vault = TryDecrypt(pin);
        if (vault is not null)
        {
            _file.WrongPins = 0;
            WriteFile();
            return vault;
        }
        if (_file.WrongPins >= _file.AutoDeactivateAfter)
        {
            Erase();
            erased = true;
        }
        return null;
    }

    /// <summary>Encrypts <paramref name="vault"/> under <paramref name="pin"/> (a new salt each time) and writes the file atomically.</summary>
    public void Save(string pin, PadVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        var salt = RandomNumberGenerator.GetBytes(16);
        var key = DeriveKey(pin, salt, _file.Iterations);
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(vault, Json);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData);
        }
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(plaintext);
        _file.Salt = Convert.ToBase64String(salt);
        _file.Vault = Convert.ToBase64String([.. nonce, .. tag, .. ciphertext]);
        _file.AutoDeactivateAfter = vault.Settings.AutoDeactivateAfter;
        _file.Paranoid = vault.Settings.Paranoid;
        WriteFile();
    }

    /// <summary>Deletes the file: every account on this pad is gone.</summary>
    public void Erase()
    {
        if (File.Exists(Path))
        {
            // Overwrite before deleting, so the encrypted vault does not linger in the file's old blocks.
            File.WriteAllBytes(Path, new byte[new FileInfo(Path).Length]);
            File.Delete(Path);
        }
    }

    private PadVault? TryDecrypt(string pin)
    {
        var blob = Convert.FromBase64String(_file.Vault);
        var key = DeriveKey(pin, Convert.FromBase64String(_file.Salt), _file.Iterations);
        var plaintext = new byte[blob.Length - 28];
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(28), blob.AsSpan(12, 16), plaintext, AssociatedData);
            return JsonSerializer.Deserialize<PadVault>(plaintext, Json);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] DeriveKey(string pin, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, iterations, HashAlgorithmName.SHA256, 32);

    private void WriteFile()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_file, Json));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, Path, overwrite: true);
    }

    private sealed class StoreFile
    {
        public int Version { get; set; } = 1;
        public string Kdf { get; set; } = "PBKDF2-SHA256";
        public int Iterations { get; set; }
        public string Salt { get; set; } = "";
        public int WrongPins { get; set; }
        public int AutoDeactivateAfter { get; set; } = 5;
        public bool Paranoid { get; set; }

        [JsonPropertyName("vault")]
        public string Vault { get; set; } = "";
    }
}
