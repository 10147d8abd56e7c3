using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.AnswerMethods.Push;

/// <summary>Approval on the phone pad (the <c>push</c> method): how often an account can be asked.</summary>
public sealed class PushOptions
{
    /// <summary>Approval requests, of any relying party, to one account in one UTC hour.</summary>
    [Range(1, 1000)]
    public int PerAccountPerHour { get; set; } = 10;

    /// <summary>
    /// After the owner refuses a request on the pad, new approval requests wait this long, doubled for every further refusal
    /// within a day, up to <see cref="LongestPause"/>: someone who keeps asking in the hope of a careless tap is slowed down.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PauseAfterDenial { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan LongestPause { get; set; } = TimeSpan.FromHours(1);
}
