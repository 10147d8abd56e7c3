namespace Cipherpad.Contracts.Challenges;

/// <summary>
/// A question's state, as the API names it. Strings rather than an enum, like every name on the wire, so a client
/// built today still reads a state added later.
/// </summary>
public static class ChallengeStatuses
{
    /// <summary>Waiting for the right answer.</summary>
    public const string Pending = "pending";

    /// <summary>Answered right once; it never succeeds again.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Too many wrong answers; ask for a new question.</summary>
    public const string Locked = "locked";

    /// <summary>Never answered right and past its lifetime; ask for a new question.</summary>
    public const string Expired = "expired";

    /// <summary>The owner refused it on the phone pad ("this wasn't me", or a number that was not the site's); ask for nothing more.</summary>
    public const string Denied = "denied";
}
