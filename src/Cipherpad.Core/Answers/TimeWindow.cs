namespace Cipherpad.Core.Answers;

/// <summary>
/// How many one-minute time steps before and after the verifier's clock an answer may have been made in.
/// It bounds clock drift and typing time; an answer older than <see cref="PastSteps"/> minutes never verifies.
/// </summary>
public sealed record TimeWindow
{
    /// <summary>The default: answers made up to 5 minutes ago, or up to 1 minute ahead of the verifier's clock.</summary>
    public static readonly TimeWindow Default = new(5, 1);

    /// <summary>Creates a window.</summary>
    /// <param name="pastSteps">Steps before now that are accepted, 0 to 60.</param>
    /// <param name="futureSteps">Steps after now that are accepted, 0 to 10.</param>
    public TimeWindow(int pastSteps, int futureSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pastSteps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pastSteps, 60);
        ArgumentOutOfRangeException.ThrowIfNegative(futureSteps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(futureSteps, 10);
        PastSteps = pastSteps;
        FutureSteps = futureSteps;
    }

    /// <summary>Steps before now that are accepted.</summary>
    public int PastSteps { get; }

    /// <summary>Steps after now that are accepted.</summary>
    public int FutureSteps { get; }
}
