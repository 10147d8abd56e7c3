using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Vault;

/// <summary>The key vault's limits (<c>Cipherpad:Vault</c>).</summary>
public sealed class VaultOptions
{
    /// <summary>The largest item, in bytes: key files are small.</summary>
    [Range(1, 1_048_576)]
    public int MaxItemBytes { get; set; } = 64 * 1024;

    /// <summary>Items an account can keep.</summary>
    [Range(1, 1000)]
    public int MaxItems { get; set; } = 50;

    /// <summary>Versions kept of one item; storing one more than this deletes the oldest.</summary>
    [Range(1, 100)]
    public int MaxVersions { get; set; } = 5;

    /// <summary>How long a release ticket works, once.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:10:00")]
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(2);
}
