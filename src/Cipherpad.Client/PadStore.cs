using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

/// <summary>The pad's file cannot be read as it is: damaged, edited, or of a version this program does not know. No PIN was tried.</summary>
public sealed class PadFileDamagedException(string path, string reason)
    : Exception($"The cipher pad cannot open its file: the pad's file is damaged ({reason}). No PIN was tried or counted. "
        + $"Put back a copy of {path} if you have one; otherwise move it away and activate this cipher pad again.")
{
    public string Reason { get; } = reason;
}

/// <summary>
/// The cipher pad's file: the vault encrypted with AES-256-GCM under a key derived from the PIN by PBKDF2-SHA256.
/// <para>
/// Every run that reads and writes the file holds <c>pad.lock</c> open exclusively from before it reads until after it
/// writes, so parallel runs take turns: ten wrong PINs at once are ten counted wrong PINs. Wrong PINs are counted in the
/// file before the PIN is tried, so killing the program cannot skip the count.
/// </para>
/// <para>
/// The file (version 2) carries a SHA-256 checksum of everything in it, which needs no PIN: a flipped bit or a cut-off
/// file is reported as damage before any PIN is tried, instead of counting the right PIN as wrong until the pad erases
/// itself. The checksum is no defence against someone editing the file on purpose, who can recompute it; against that,
/// the erase limit and paranoid mode are bound into the encryption as associated data (and the iteration count and salt
/// into the key), so an edited file opens with no PIN. Only the wrong-PIN count stays writable without the PIN, because a
/// wrong PIN must be able to raise it. The layout is in docs/security.md.
/// </para>
/// </summary>
public sealed class PadStore : IDisposable
{
    public const int DefaultIterations = 600_000;
    public const int MinimumIterations = 10_000;
    public const int MaximumIterations = 10_000_000;
    public const int CurrentVersion = 2;

    /// <summary>How long a run waits for another run to finish with the file.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private const string FileName = "pad.json";
    private const string LockName = "pad.lock";
    private const string Kdf = "PBKDF2-SHA256";
    private const int MaxFileBytes = 1 << 20;
    private const int SaltBytes = 16;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] FirstVersionAssociatedData = Encoding.ASCII.GetBytes("cipherpad-store-v1");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly FileStream _lock;
    private StoreFile? _file;

    private PadStore(string directory, FileStream held, StoreFile? file)
    {
        Directory = directory;
        _lock = held;
        _file = file;
    }

    public string Directory { get; }
    public string Path => System.IO.Path.Combine(Directory, FileName);

    /// <summary>Whether the pad has a file (it may have been erased by another run since it was last looked at).</summary>
    public bool Exists => _file is not null;

    public int WrongPins => File.WrongPins;
    public int AutoDeactivateAfter => File.AutoDeactivateAfter;

    private StoreFile File => _file ?? throw new InvalidOperationException("The pad has no file.");

    /// <summary>
    /// Reads the file without taking the lock, to learn what must be known before the PIN is asked for (paranoid mode).
    /// False when there is no file; a damaged file throws <see cref="PadFileDamagedException"/>.
    /// </summary>
    public static bool TryPeek(string directory, out bool paranoid)
    {
        var file = Read(System.IO.Path.Combine(directory, FileName));
        paranoid = file?.Paranoid ?? false;
        return file is not null;
    }

    /// <summary>
    /// Takes the pad's lock, waiting up to <paramref name="timeout"/> for other runs, then reads the file. The lock is
    /// held until the store is disposed, so everything read and written in between is one step to the other runs.
    /// </summary>
    /// <exception cref="TimeoutException">Another run held the lock all that time.</exception>
    public static PadStore Open(string directory, TimeSpan timeout)
    {
        System.IO.Directory.CreateDirectory(directory);
        var lockPath = System.IO.Path.Combine(directory, LockName);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        var waited = Stopwatch.StartNew();
        while (true)
        {
            FileStream held;
            try
            {
                held = new FileStream(lockPath, options);
            }
            // A plain IOException is the other run's exclusive open (a sharing violation); its subclasses are real failures.
            catch (IOException exception) when (exception.GetType() == typeof(IOException))
            {
                if (waited.Elapsed >= timeout)
                {
                    throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                        $"Another cipherpad run has been using this pad for {timeout.TotalSeconds:0} seconds; try again when it is done."), exception);
                }
                Thread.Sleep(Random.Shared.Next(10, 50));
                continue;
            }
            try
            {
                return new PadStore(directory, held, Read(System.IO.Path.Combine(directory, FileName)));
            }
            catch
            {
                held.Dispose();
                throw;
            }
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();

    /// <summary>Writes a new pad holding <paramref name="vault"/> under <paramref name="pin"/>.</summary>
    public void Create(string pin, int iterations, PadVault vault)
    {
        if (_file is not null)
        {
            throw new InvalidOperationException("The pad already has a file.");
        }
        _file = new StoreFile { Version = CurrentVersion, Iterations = Math.Clamp(iterations, MinimumIterations, MaximumIterations) };
        Save(pin, vault);
    }

    /// <summary>
    /// Opens the vault with <paramref name="pin"/>; null for a wrong PIN, which is counted before it is tried (and may
    /// erase the pad). A file of the first version is rewritten in the current one once its PIN is right.
    /// </summary>
    public PadVault? Unlock(string pin, out bool erased)
    {
        var file = File;
        erased = false;
        if (file.WrongPins >= file.AutoDeactivateAfter)
        {
            // The run that counted the last wrong PIN was stopped before it could erase the pad.
            Erase();
            erased = true;
            return null;
        }
        // Count first, then check: a wrong PIN stays counted even if the process is killed mid-way.
        file.WrongPins++;
        WriteFile();
        if (!TryDecrypt(file, pin, out var plaintext))
        {
            if (file.WrongPins >= file.AutoDeactivateAfter)
            {
                Erase();
                erased = true;
            }
            return null;
        }
        file.WrongPins = 0;
        PadVault? vault;
        try
        {
            vault = JsonSerializer.Deserialize<PadVault>(plaintext, Json);
        }
        catch (JsonException)
        {
            vault = null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
        if (vault?.Accounts is null || vault.Settings is null)
        {
            // The right PIN opened something this program did not write: not the PIN's fault.
            WriteFile();
            throw new PadFileDamagedException(Path, "its contents are not a cipher pad's");
        }
        if (file.Version < CurrentVersion)
        {
            Save(pin, vault);
        }
        else
        {
            WriteFile();
        }
        return vault;
    }

    /// <summary>Encrypts <paramref name="vault"/> under <paramref name="pin"/> (a new salt each time) and writes the file atomically.</summary>
    public void Save(string pin, PadVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        var file = File;
        file.Version = CurrentVersion;
        file.Iterations = Math.Clamp(file.Iterations, MinimumIterations, MaximumIterations);
        file.Salt = RandomNumberGenerator.GetBytes(SaltBytes);
        file.AutoDeactivateAfter = vault.Settings.AutoDeactivateAfter;
        file.Paranoid = vault.Settings.Paranoid;
        file.WrongPins = 0;
        var key = DeriveKey(pin, file.Salt, file.Iterations);
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(vault, Json);
        var sealedVault = new byte[NonceBytes + TagBytes + plaintext.Length];
        var nonce = sealedVault.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagBytes))
        {
            aes.Encrypt(nonce, plaintext, sealedVault.AsSpan(NonceBytes + TagBytes), sealedVault.AsSpan(NonceBytes, TagBytes), file.AssociatedData());
        }
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(plaintext);
        file.Vault = sealedVault;
        WriteFile();
    }

    /// <summary>Deletes the file: every account on this pad is gone.</summary>
    public void Erase()
    {
        _file = null;
        if (!System.IO.File.Exists(Path))
        {
            return;
        }
        // Moved aside first, so a run reading the pad's path finds the whole file or none, never the zeros.
        var doomed = Path + ".erased-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        System.IO.File.Move(Path, doomed);
        // Overwritten before it is deleted, so the encrypted vault does not linger in the file's old blocks.
        System.IO.File.WriteAllBytes(doomed, new byte[new FileInfo(doomed).Length]);
        System.IO.File.Delete(doomed);
    }

    private static bool TryDecrypt(StoreFile file, string pin, out byte[] plaintext)
    {
        var key = DeriveKey(pin, file.Salt, file.Iterations);
        plaintext = new byte[file.Vault.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(file.Vault.AsSpan(0, NonceBytes), file.Vault.AsSpan(NonceBytes + TagBytes), file.Vault.AsSpan(NonceBytes, TagBytes), plaintext,
                file.Version == 1 ? FirstVersionAssociatedData : file.AssociatedData());
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // The checksum says the file is as it was written, so the PIN is wrong (or a bound setting was edited on purpose).
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] DeriveKey(string pin, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, iterations, HashAlgorithmName.SHA256, 32);

    private void WriteFile()
    {
        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        using (var stream = new FileStream(temporary, options))
        {
            File.WriteTo(stream);
        }
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(temporary, OwnerOnly);
        }
        System.IO.File.Move(temporary, Path, overwrite: true);
    }

    private static StoreFile? Read(string path)
    {
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > MaxFileBytes)
            {
                throw new PadFileDamagedException(path, "it is larger than a pad's file can be");
            }
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return StoreFile.Parse(path, bytes);
    }

    /// <summary>The file's fields. Everything but the wrong-PIN count is bound to the PIN; everything is covered by the checksum.</summary>
    private sealed class StoreFile
    {
        public int Version { get; set; }
        public int Iterations { get; set; }
        public byte[] Salt { get; set; } = [];
        public int AutoDeactivateAfter { get; set; }
        public bool Paranoid { get; set; }
        public int WrongPins { get; set; }
        public byte[] Vault { get; set; } = [];

        /// <summary>The settings that must not change without the PIN, as the AES-GCM associated data.</summary>
        public byte[] AssociatedData() => Encoding.UTF8.GetBytes(Header());

        /// <summary>Lowercase hex SHA-256 of the header, the wrong-PIN count and the vault: damage, not tampering, is what it finds.</summary>
        public string Checksum() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{Header()}wrong-pins {WrongPins}\nvault {Convert.ToBase64String(Vault)}\n"))));

        private string Header() => string.Create(CultureInfo.InvariantCulture,
            $"cipherpad-pad v2\nkdf {Kdf}\niterations {Iterations}\nsalt {Convert.ToBase64String(Salt)}\n" +
            $"auto-deactivate-after {AutoDeactivateAfter}\nparanoid {(Paranoid ? "true" : "false")}\n");

        public void WriteTo(Stream stream)
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteString("kdf", Kdf);
            json.WriteNumber("iterations", Iterations);
            json.WriteString("salt", Convert.ToBase64String(Salt));
            json.WriteNumber("autoDeactivateAfter", AutoDeactivateAfter);
            json.WriteBoolean("paranoid", Paranoid);
            json.WriteNumber("wrongPins", WrongPins);
            json.WriteString("vault", Convert.ToBase64String(Vault));
            json.WriteString("checksum", Checksum());
            json.WriteEndObject();
        }

        /// <summary>
        /// Reads and bounds every field before anything is derived from it: an iteration count of two billion would hang
        /// the pad, a count that is not one of the offered limits or a vault too short for its nonce and tag cannot be
        /// the pad's own. Any such value, and a checksum that does not match, is damage.
        /// </summary>
        public static StoreFile Parse(string path, byte[] bytes)
        {
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(bytes);
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new PadFileDamagedException(path, "it is not JSON");
            }
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PadFileDamagedException(path, "it is not a JSON object");
            }
            var file = new StoreFile { Version = Integer(path, root, "version") };
            if (file.Version is not (1 or CurrentVersion))
            {
                throw new PadFileDamagedException(path, string.Create(CultureInfo.InvariantCulture,
                    $"its version, {file.Version}, is not one this cipherpad reads (1 or {CurrentVersion}); a newer cipherpad may read it"));
            }
            if (Text(path, root, "kdf") != Kdf)
            {
                throw new PadFileDamagedException(path, $"its key derivation is not {Kdf}");
            }
            file.Iterations = Integer(path, root, "iterations");
            file.Salt = Base64(path, root, "salt");
            file.AutoDeactivateAfter = Integer(path, root, "autoDeactivateAfter");
            file.Paranoid = Boolean(path, root, "paranoid");
            file.WrongPins = Integer(path, root, "wrongPins");
            file.Vault = Base64(path, root, "vault");
            if (file.Version == CurrentVersion && !string.Equals(Text(path, root, "checksum"), file.Checksum(), StringComparison.Ordinal))
            {
                throw new PadFileDamagedException(path, "its checksum does not match its contents");
            }
            if (file.Iterations is < MinimumIterations or > MaximumIterations)
            {
                throw new PadFileDamagedException(path, string.Create(CultureInfo.InvariantCulture,
                    $"its iteration count is not between {MinimumIterations} and {MaximumIterations}"));
            }
            if (file.Salt.Length != SaltBytes)
            {
                throw new PadFileDamagedException(path, string.Create(CultureInfo.InvariantCulture, $"its salt is not {SaltBytes} bytes"));
            }
            if (file.AutoDeactivateAfter is not (3 or 5 or 10))
            {
                throw new PadFileDamagedException(path, "its erase limit is not 3, 5 or 10");
            }
            if (file.WrongPins < 0)
            {
                throw new PadFileDamagedException(path, "its wrong-PIN count is negative");
            }
            if (file.Vault.Length <= NonceBytes + TagBytes)
            {
                throw new PadFileDamagedException(path, "its encrypted part is too short");
            }
            return file;
        }

        private static JsonElement Field(string path, JsonElement root, string name, params JsonValueKind[] kinds) =>
            root.TryGetProperty(name, out var value) && kinds.Contains(value.ValueKind)
                ? value
                : throw new PadFileDamagedException(path, $"its '{name}' is missing or of the wrong kind");

        private static int Integer(string path, JsonElement root, string name) =>
            Field(path, root, name, JsonValueKind.Number).TryGetInt32(out var value) ? value
                : throw new PadFileDamagedException(path, $"its '{name}' is not a whole number");

        private static bool Boolean(string path, JsonElement root, string name) => Field(path, root, name, JsonValueKind.True, JsonValueKind.False).GetBoolean();

        private static string Text(string path, JsonElement root, string name) => Field(path, root, name, JsonValueKind.String).GetString()!;

        private static byte[] Base64(string path, JsonElement root, string name) =>
            Field(path, root, name, JsonValueKind.String).TryGetBytesFromBase64(out var bytes) ? bytes
                : throw new PadFileDamagedException(path, $"its '{name}' is not base64");
    }
}
