using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Devices;

/// <summary>How long an activation code works and how many wrong tries it takes (<c>Cipherpad:Activation</c>).</summary>
public sealed class ActivationOptions
{
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Wrong tries before an activation code is void.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 5;
}
