using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cipherpad.Core.Answers;

namespace Cipherpad.Client.Tests;

/// <summary>
/// The pad's file under attack and accident: parallel runs, a damaged or edited file, an old format. These run the real
/// CLI on a pad made from <c>Fixtures/pad-v1.json</c>, a file written by the first version of the pad (PIN 246813, the
/// account old@example.com with the protocol's device A secret, erased after 3 wrong PINs), so they need no server.
/// </summary>
public sealed class PadFileTests : IDisposable
{
    private const string Pin = "246813";
    private readonly string _home = Path.Combine(Path.GetTempPath(), "cipherpad-pad-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Cli _cli;

    public PadFileTests()
    {
        Directory.CreateDirectory(_home);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pad-v1.json"), PadPath);
        _cli = new Cli(_home);
    }

    private string PadPath => Path.Combine(_home, "pad.json");

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private JsonObject ReadPad() => JsonNode.Parse(File.ReadAllText(PadPath))!.AsObject();

    private void WritePad(JsonObject pad) => File.WriteAllText(PadPath, pad.ToJsonString());

    /// <summary>Opens the fixture once with the right PIN, which rewrites it in the current format.</summary>
    private async Task<JsonObject> CurrentFormatPadAsync()
    {
        var opened = await _cli.RunAsync(Pin, "accounts", "--json");
        Assert.True(opened.ExitCode == 0, opened.Error);
        return ReadPad();
    }

    /// <summary>The checksum as docs/security.md defines it, computed as anyone holding the file can.</summary>
    private static string Checksum(JsonObject pad)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"cipherpad-pad v2\nkdf {pad["kdf"]}\niterations {pad["iterations"]}\nsalt {pad["salt"]}\n" +
            $"auto-deactivate-after {pad["autoDeactivateAfter"]}\nparanoid {pad["paranoid"]?.ToJsonString()}\n" +
            $"wrong-pins {pad["wrongPins"]}\nvault {pad["vault"]}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static async Task<Cli.Run[]> InParallelAsync(int count, Func<Task<Cli.Run>> run) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(run)));

    [Fact]
    public async Task An_account_whose_address_an_earlier_version_lowercased_whole_is_still_chosen_as_typed()
    {
        File.Delete(PadPath);
        using (var store = PadStore.Open(_home, PadStore.LockTimeout))
        {
            // Earlier versions lowercased every letter of the address, Ä as ä too; now only A–Z are.
            store.Create(Pin, PadStore.MinimumIterations, new PadVault
            {
                Accounts = [new PadAccount
                {
                    Email = "ärger@example.com", Server = "http://localhost:5080", DeviceId = Guid.NewGuid(),
                    DeviceSecret = Convert.ToBase64String(SHA256.HashData("Cipherpad vector device A"u8)),
                }],
            });
        }

        var answered = await _cli.RunAsync(Pin, "answer", "12345678", "--account", "Ärger@Example.com", "--json");

        Assert.True(answered.ExitCode == 0, answered.Error);
        Assert.Equal("ärger@example.com", answered.Json.GetProperty("account").GetString());
    }

    [Fact]
    public async Task Parallel_wrong_PINs_erase_the_pad_exactly_at_the_limit()
    {
        Assert.Equal(0, (await _cli.RunAsync(Pin, "settings", "--auto-deactivate", "5")).ExitCode);

        var runs = await InParallelAsync(10, () => _cli.RunAsync("000000", "answer", "12345678", "--json"));

        var codes = runs.Select(r => r.ExitCode).Order().ToArray();
        Assert.True(codes.SequenceEqual([1, 1, 1, 1, 1, 3, 3, 3, 3, 4]), string.Join(Environment.NewLine, runs.Select(r => $"{r.ExitCode}: {r.Error}")));
        Assert.All(runs.Where(r => r.ExitCode == 1), r => Assert.Equal("not-activated", r.Json.GetProperty("error").GetString()));
        Assert.False(File.Exists(PadPath));
    }

    [Fact]
    public async Task Parallel_wrong_PINs_below_the_limit_are_all_counted()
    {
        Assert.Equal(0, (await _cli.RunAsync(Pin, "settings", "--auto-deactivate", "10")).ExitCode);

        var runs = await InParallelAsync(9, () => _cli.RunAsync("000000", "answer", "12345678"));

        Assert.All(runs, r => Assert.Equal(3, r.ExitCode));
        Assert.Equal(9, (int)ReadPad()["wrongPins"]!);
        Assert.Equal(4, (await _cli.RunAsync("000000", "answer", "12345678")).ExitCode);
    }

    [Fact]
    public async Task Parallel_runs_with_the_right_PIN_all_succeed()
    {
        var runs = await InParallelAsync(8, () => _cli.RunAsync(Pin, "answer", "12345678", "--json"));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Error));
        Assert.Equal(0, (int)ReadPad()["wrongPins"]!);
    }

    [Fact]
    public async Task A_pad_file_of_the_first_format_still_opens_and_is_rewritten_in_the_current_one()
    {
        var before = DateTimeOffset.UtcNow;
        var answered = await _cli.RunAsync(Pin, "answer", "12345678", "--json");
        var after = DateTimeOffset.UtcNow;

        Assert.True(answered.ExitCode == 0, answered.Error);
        using var deviceA = new DeviceKeys(SHA256.HashData("Cipherpad vector device A"u8));
        Assert.Contains(answered.Json.GetProperty("answer").GetString(),
            new[] { Answer.Compute(deviceA, Purpose.Login, "12345678", before), Answer.Compute(deviceA, Purpose.Login, "12345678", after) });
        var pad = ReadPad();
        Assert.Equal(2, (int)pad["version"]!);
        Assert.Equal(Checksum(pad), (string?)pad["checksum"]);
        Assert.Equal(3, (int)pad["autoDeactivateAfter"]!);
        var accounts = await _cli.RunAsync(Pin, "accounts", "--json");
        Assert.Equal("old@example.com", accounts.Json[0].GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_flipped_bit_is_reported_as_damage_and_never_counted_as_a_wrong_PIN()
    {
        var pad = await CurrentFormatPadAsync();
        var vault = Convert.FromBase64String((string)pad["vault"]!);
        vault[^5] ^= 0x10;
        pad["vault"] = Convert.ToBase64String(vault);
        WritePad(pad);

        var runs = new List<Cli.Run>();
        for (var i = 0; i < 4; i++)
        {
            runs.Add(await _cli.RunAsync(Pin, "answer", "12345678", "--json"));
        }

        Assert.All(runs, r =>
        {
            Assert.Equal(5, r.ExitCode);
            Assert.Equal("damaged", r.Json.GetProperty("error").GetString());
            Assert.Contains("the pad's file is damaged", r.Error, StringComparison.Ordinal);
        });
        Assert.True(File.Exists(PadPath), "a damaged pad must not erase itself");
        Assert.Equal(0, (int)ReadPad()["wrongPins"]!);
    }

    public static TheoryData<string, string> Damage() => new()
    {
        { "bad base64", """{"vault": "not*base64"}""" },
        { "short data", """{"vault": "AAECAwQFBgcICQ=="}""" },
        { "short salt", """{"salt": "AAEC"}""" },
        { "iterations beyond the range", """{"iterations": 2000000000}""" },
        { "iterations below the range", """{"iterations": 1}""" },
        { "negative wrong-PIN count", """{"wrongPins": -1}""" },
        { "a limit the pad does not offer", """{"autoDeactivateAfter": 1000}""" },
        { "wrong type", """{"paranoid": "no"}""" },
        { "missing field", """{"salt": null}""" },
        { "unknown version", """{"version": 7}""" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task A_damaged_file_gets_a_clear_error_quickly_and_costs_no_PIN(string damage, string change)
    {
        var pad = await CurrentFormatPadAsync();
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject())
        {
            if (value is null)
            {
                pad.Remove(name);
            }
            else
            {
                pad[name] = value.DeepClone();
            }
        }
        pad["checksum"] = Checksum(pad); // even a consistent checksum does not make an out-of-range value readable
        WritePad(pad);

        var clock = Stopwatch.StartNew();
        var run = await _cli.RunAsync(Pin, "answer", "12345678", "--json");

        Assert.True(run.ExitCode == 5, $"{damage}: {run.ExitCode} {run.Error}");
        Assert.Equal("damaged", run.Json.GetProperty("error").GetString());
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{damage}: took {clock.Elapsed}");
        Assert.True(File.Exists(PadPath));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("[1, 2, 3]")]
    [InlineData("null")]
    public async Task A_file_that_is_not_JSON_is_damaged(string text)
    {
        await File.WriteAllTextAsync(PadPath, text);

        var run = await _cli.RunAsync(Pin, "accounts", "--json");

        Assert.Equal(5, run.ExitCode);
        Assert.Equal("damaged", run.Json.GetProperty("error").GetString());
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_file_is_damaged()
    {
        await CurrentFormatPadAsync();
        var text = await File.ReadAllTextAsync(PadPath);
        await File.WriteAllTextAsync(PadPath, text[..(text.Length / 2)]);

        var run = await _cli.RunAsync(Pin, "accounts", "--json");

        Assert.Equal(5, run.ExitCode);
        Assert.Equal("damaged", run.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_edited_limit_is_damage_and_with_a_recomputed_checksum_no_PIN_opens_the_pad()
    {
        var pad = await CurrentFormatPadAsync();
        pad["autoDeactivateAfter"] = 10;
        WritePad(pad);
        var edited = await _cli.RunAsync(Pin, "accounts", "--json");

        pad["checksum"] = Checksum(pad); // someone who edits the file on purpose can recompute the checksum
        WritePad(pad);
        var forged = await _cli.RunAsync(Pin, "accounts", "--json");

        Assert.Equal(5, edited.ExitCode);
        Assert.Equal("damaged", edited.Json.GetProperty("error").GetString());
        Assert.Equal(3, forged.ExitCode); // the limit is bound into the encryption: even the right PIN cannot open the edited file
        Assert.Equal("wrong-pin", forged.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Turning_paranoid_mode_off_in_the_file_does_not_work()
    {
        Assert.Equal(0, (await _cli.RunAsync(Pin, "settings", "--paranoid", "true")).ExitCode);
        var pad = ReadPad();
        pad["paranoid"] = false;
        pad["checksum"] = Checksum(pad);
        WritePad(pad);

        var run = await _cli.RunAsync(Pin, "answer", "12345678", "--json");

        Assert.Equal(3, run.ExitCode);
        Assert.False(run.Json.TryGetProperty("answer", out _));
    }

    [Fact]
    public async Task A_count_reset_by_hand_still_needs_a_consistent_checksum()
    {
        var pad = await CurrentFormatPadAsync();
        Assert.Equal(3, (await _cli.RunAsync("000000", "accounts")).ExitCode);
        pad = ReadPad();
        Assert.Equal(1, (int)pad["wrongPins"]!);
        Assert.Equal(Checksum(pad), (string?)pad["checksum"]);

        pad["wrongPins"] = 0;
        WritePad(pad);

        Assert.Equal(5, (await _cli.RunAsync(Pin, "accounts")).ExitCode);
    }

    [Fact]
    public async Task A_failed_activation_keeps_the_pad_as_it_was()
    {
        await CurrentFormatPadAsync();
        var before = ReadPad()["vault"]!.ToString();

        var unreachable = await _cli.RunAsync(Pin, "activate", "--server", "http://127.0.0.1:1", "--email", "new@example.com", "--code", "1234-5678-9012");

        Assert.Equal(1, unreachable.ExitCode);
        Assert.Equal(before, ReadPad()["vault"]!.ToString());
        var accounts = await _cli.RunAsync(Pin, "accounts", "--json");
        Assert.Equal(["old@example.com"], accounts.Json.EnumerateArray().Select(a => a.GetProperty("email").GetString()!).ToArray());
    }
}
