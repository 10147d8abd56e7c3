namespace Cipherpad.Core.Oath;

/// <summary>What exactly is wrong with an OCRA suite or with the inputs given for it.</summary>
public enum OcraErrorCode
{
    /// <summary>The suite is not of the form <c>OCRA-1:HOTP-H-t:DataInput</c>.</summary>
    SuiteSyntax,
    /// <summary>The algorithm part is not <c>OCRA-1</c>.</summary>
    UnsupportedVersion,
    /// <summary>The crypto function names a hash other than SHA1, SHA256 or SHA512.</summary>
    UnsupportedHash,
    /// <summary>The number of digits is not 0 or 4 to 10.</summary>
    DigitsOutOfRange,
    /// <summary>A data input is not one of C, Q, P, S, T, is repeated, or is out of order.</summary>
    UnknownDataInput,
    /// <summary>The data input has no Q (question) part, which RFC 6287 requires.</summary>
    MissingQuestionInput,
    /// <summary>The question format is not A, N or H, or its length is not 04 to 64.</summary>
    QuestionFormat,
    /// <summary>The P part names a hash other than SHA1, SHA256 or SHA512.</summary>
    UnsupportedPasswordHash,
    /// <summary>The S part is not S064, S128, S256 or S512.</summary>
    SessionLengthUnsupported,
    /// <summary>The T part's step is not 1–59 S, 1–59 M or 1–48 H.</summary>
    TimeStepOutOfRange,
    /// <summary>The key is empty.</summary>
    EmptyKey,
    /// <summary>The question is empty or longer than the suite allows.</summary>
    QuestionLength,
    /// <summary>The question holds a character its format does not allow (a non-digit in QN, for example).</summary>
    QuestionCharacter,
    /// <summary>The suite has C but no counter was given.</summary>
    MissingCounter,
    /// <summary>The suite has P but the password hash given is missing or not the hash's length.</summary>
    PasswordHashLength,
    /// <summary>The session data is longer than the suite's S length.</summary>
    SessionDataTooLong,
    /// <summary>The suite has T but no time step was given, or the time step is negative.</summary>
    MissingTimeStep,
    /// <summary>An input was given that the suite does not use.</summary>
    UnexpectedInput,
}

/// <summary>A precise description of a malformed OCRA suite or input.</summary>
/// <param name="Code">What kind of problem it is.</param>
/// <param name="Message">A sentence naming what is wrong and what is allowed.</param>
public sealed record OcraError(OcraErrorCode Code, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>Thrown when an OCRA suite or input is malformed; <see cref="Error"/> says exactly how.</summary>
public sealed class OcraException : FormatException
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public OcraException(OcraError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message) => Error = error;

    /// <summary>The problem found.</summary>
    public OcraError Error { get; }

    /// <summary>Shorthand for <c>Error.Code</c>.</summary>
    public OcraErrorCode Code => Error.Code;
}
