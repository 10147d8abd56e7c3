using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Sessions;

/// <summary>How long a sign-in to the personal account lasts (<c>Cipherpad:Sessions</c>).</summary>
public sealed class SessionOptions
{
    /// <summary>A session left unused this long ends; each request renews it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in however active it is; then the person answers a new question.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);
}
