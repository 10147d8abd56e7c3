using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cipherpad.Core.Vault;

namespace Cipherpad.Core.Tests.Vault;

public sealed class VaultExportTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 18, 0, 0, TimeSpan.Zero);

    private static readonly ExportedItem[] Items =
    [
        new("wallet.kwm", 3, At.AddDays(-1), RandomNumberGenerator.GetBytes(1500)),
        new("ключ ssh", 1, At.AddDays(-2), [0, 1, 2, 255]),
    ];

    [Fact]
    public void An_export_opens_with_its_passphrase_and_gives_back_every_item()
    {
        var file = VaultExport.Seal(Items, "correct horse battery", At, VaultExport.MinimumIterations);

        var opened = VaultExport.Open(file, "correct horse battery");

        Assert.Equal(Items.Select(i => (i.Name, i.Version, i.CreatedAt)), opened.Select(i => (i.Name, i.Version, i.CreatedAt)));
        Assert.Equal(Items.Select(i => i.Content), opened.Select(i => i.Content));
        var header = JsonDocument.Parse(file).RootElement;
        Assert.Equal(("cipherpad-vault-export", 1, "PBKDF2-HMAC-SHA256", "AES-256-GCM"), (header.GetProperty("format").GetString(),
            header.GetProperty("version").GetInt32(), header.GetProperty("kdf").GetProperty("algorithm").GetString(), header.GetProperty("cipher").GetString()));
        Assert.DoesNotContain("wallet.kwm", Encoding.UTF8.GetString(file), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_passphrase_or_an_altered_file_is_refused()
    {
        var file = VaultExport.Seal(Items, "correct horse battery", At, VaultExport.MinimumIterations);
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(file)!;
        var ciphertext = System.Buffers.Text.Base64Url.DecodeFromChars(json["ciphertext"].GetString()!);
        ciphertext[10] ^= 1;
        json["ciphertext"] = JsonSerializer.SerializeToElement(System.Buffers.Text.Base64Url.EncodeToString(ciphertext));

        Assert.ThrowsAny<CryptographicException>(() => VaultExport.Open(file, "correct horse batterY"));
        Assert.ThrowsAny<CryptographicException>(() => VaultExport.Open(JsonSerializer.SerializeToUtf8Bytes(json), "correct horse battery"));
        Assert.Throws<FormatException>(() => VaultExport.Open("{\"format\":\"something else\"}"u8, "correct horse battery"));
        Assert.Throws<FormatException>(() => VaultExport.Open("not json"u8, "correct horse battery"));
    }

    [Fact]
    public void A_short_passphrase_and_too_few_iterations_are_refused()
    {
        Assert.NotNull(VaultExport.PassphraseProblem("short"));
        Assert.Null(VaultExport.PassphraseProblem("a long enough phrase"));
        Assert.Throws<ArgumentOutOfRangeException>(() => VaultExport.Seal(Items, "correct horse battery", At, VaultExport.MinimumIterations - 1));
    }
}
