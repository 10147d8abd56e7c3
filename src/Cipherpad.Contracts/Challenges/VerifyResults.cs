namespace Cipherpad.Contracts.Challenges;

/// <summary>The decisions on an answer, as the API names them.</summary>
public static class VerifyResults
{
    /// <summary>The right answer, the first time: grant access or execute the operation.</summary>
    public const string Success = "success";

    /// <summary>Not the answer; the user may try again while attempts are left.</summary>
    public const string Wrong = "wrong";

    /// <summary>Too many wrong answers: this question is dead.</summary>
    public const string Locked = "locked";

    /// <summary>The question's lifetime is over.</summary>
    public const string Expired = "expired";

    /// <summary>The question already succeeded: a replay or a concurrent duplicate.</summary>
    public const string AlreadyUsed = "already-used";

    /// <summary>Too many failures from this address for this account; wait the given seconds.</summary>
    public const string Throttled = "throttled";

    /// <summary>The owner refused the question on the phone pad: do not grant access or execute the operation.</summary>
    public const string Denied = "denied";
}
