using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;

namespace Cipherpad.Server.Tests;

/// <summary>The README's configuration table names every question and activation setting, not a wildcard.</summary>
public sealed class ReadmeSettingsTests
{
    public static TheoryData<string, string> Settings()
    {
        var data = new TheoryData<string, string>();
        foreach (var (section, type) in new[] { ("Challenges", typeof(ChallengeOptions)), ("Activation", typeof(ActivationOptions)) })
        {
            foreach (var property in type.GetProperties())
            {
                data.Add(section, property.Name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_configuration_table_names_the_setting(string section, string name)
    {
        var rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "docs", "README.md"))
            .Where(line => line.StartsWith($"| `Cipherpad:{section}:", StringComparison.Ordinal));

        Assert.Contains(rows, row => row.Split('|')[1].Contains($"`Cipherpad:{section}:{name}`", StringComparison.Ordinal)
            || row.Split('|')[1].Contains($"`{name}`", StringComparison.Ordinal));
    }
}
