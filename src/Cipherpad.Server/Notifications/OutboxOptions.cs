using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Notifications;

/// <summary>How the outbox sends e-mail and SMS (<c>Cipherpad:Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// Send from a background loop in this process. Turn it off only where something else sends: on a node that should
    /// not, or in tests that send at chosen moments.
    /// </summary>
    public bool SendInBackground { get; set; } = true;

    /// <summary>How often the sender looks for messages due when nothing woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One attempt to hand a message to the SMTP server or SMS gateway gives up after this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts before a message is given up; retries wait 5 s, 10 s, 20 s … up to an hour.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Messages sent at once per channel.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 4;
}
