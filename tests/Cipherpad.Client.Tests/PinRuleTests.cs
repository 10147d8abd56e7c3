namespace Cipherpad.Client.Tests;

/// <summary>A new PIN must not be one of the first guesses (README, "The cipher pad"); a pad made with an older, weaker PIN still opens.</summary>
public sealed class PinRuleTests : IDisposable
{
    private const string Pin = "246813";
    private readonly string _home = Path.Combine(Path.GetTempPath(), "cipherpad-pin-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Cli _cli;

    public PinRuleTests()
    {
        Directory.CreateDirectory(_home);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pad-v1.json"), Path.Combine(_home, "pad.json"));
        _cli = new Cli(_home);
    }

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Theory]
    [InlineData("1234")]
    [InlineData("12345")]
    [InlineData("111111")]
    [InlineData("123456")]
    [InlineData("987654")]
    [InlineData("890123")]
    [InlineData("121212")]
    [InlineData("abcabc")]
    [InlineData("abcdef")]
    public async Task A_weak_new_PIN_is_refused(string weak)
    {
        var changed = await _cli.RunWithInputAsync(null, $"{Pin}\n{weak}\n", "pin", "--pin-stdin", "--json");

        Assert.Equal(2, changed.ExitCode);
        Assert.Equal("weak-pin", changed.Json.GetProperty("error").GetString());
        Assert.Equal(0, (await _cli.RunAsync(Pin, "accounts")).ExitCode);
    }

    [Theory]
    [InlineData("135792")]
    [InlineData("correct horse")]
    [InlineData("102938")]
    public async Task A_PIN_that_is_none_of_the_first_guesses_is_taken(string pin)
    {
        var changed = await _cli.RunWithInputAsync(null, $"{Pin}\n{pin}\n", "pin", "--pin-stdin");

        Assert.True(changed.ExitCode == 0, changed.Error);
        Assert.Equal(0, (await _cli.RunAsync(pin, "accounts")).ExitCode);
    }

    [Fact]
    public async Task A_pad_whose_PIN_predates_the_rules_still_opens_with_it()
    {
        // Written by the first version of the pad with the PIN 2468, before PINs had to have 6 characters.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pad-v1-short-pin.json"), Path.Combine(_home, "pad.json"), overwrite: true);

        var opened = await _cli.RunAsync("2468", "accounts", "--json");
        var kept = await _cli.RunWithInputAsync(null, "2468\n1357\n", "pin", "--pin-stdin");

        Assert.True(opened.ExitCode == 0, opened.Error);
        Assert.Equal("old@example.com", opened.Json[0].GetProperty("email").GetString());
        Assert.Equal(2, kept.ExitCode); // but a new PIN follows the rules
        Assert.Equal(0, (await _cli.RunAsync("2468", "accounts")).ExitCode);
    }
}
