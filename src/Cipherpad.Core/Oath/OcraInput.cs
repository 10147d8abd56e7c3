namespace Cipherpad.Core.Oath;

/// <summary>
/// The data inputs of one OCRA computation. Only the inputs the suite names may be given;
/// spans let callers compute and verify without allocating.
/// </summary>
public readonly ref struct OcraInput
{
    /// <summary>Creates the inputs with the question, which every suite requires.</summary>
    public OcraInput(ReadOnlySpan<char> question) => Question = question;

    /// <summary>The question, in the suite's format (QA, QN or QH).</summary>
    public ReadOnlySpan<char> Question { get; }

    /// <summary>The C input; required when the suite has C.</summary>
    public ulong? Counter { get; init; }

    /// <summary>The P input: the hash of the PIN or password, exactly the suite's P hash size.</summary>
    public ReadOnlySpan<byte> PasswordHash { get; init; }

    /// <summary>The S input: session data of at most the suite's S length, left-padded with zeros.</summary>
    public ReadOnlySpan<byte> Session { get; init; }

    /// <summary>The T input: time steps since the Unix epoch (see <see cref="OcraSuite.TimeStepAt"/>).</summary>
    public long? TimeStep { get; init; }
}
