using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Devices;

/// <summary>How long an activation code works and how many wrong tries it takes (<c>Cipherpad:Activation</c>).</summary>
public sealed class ActivationOptions
{
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Wrong tries from one address (an IPv6 /64) before an activation code stops answering that address.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Wrong tries from all addresses together before an activation code is void for everyone: with 12-digit codes the
    /// default keeps a distributed guesser's chance per code at 10⁻⁸.
    /// </summary>
    [Range(100, 1_000_000)]
    public int MaxAttemptsInAll { get; set; } = 10_000;
}
