using Cipherpad.Server.Localization;

namespace Cipherpad.Server.Problems;

/// <summary>
/// Why an operation was refused. <see cref="Code"/> is stable and machine-readable (it is the <c>code</c> of every
/// problem details response); <see cref="Description"/> is the text a person reads, the same on the API and the pages.
/// </summary>
/// <param name="Code">What went wrong, as a fixed set of values.</param>
/// <param name="Text">The user-facing text, from <see cref="Errors"/>: pages show it in the reader's language.</param>
/// <param name="Field">The request field at fault, when one is.</param>
public sealed record CipherpadError(ErrorCode Code, Text Text, string? Field = null)
{
    /// <summary>The text in English, as the API returns it.</summary>
    public string Description => Text.ToString();

    /// <summary>Extra facts a client can act on, such as <c>attemptsLeft</c> or <c>retryAfterSeconds</c>.</summary>
    public IReadOnlyDictionary<string, object?>? Facts { get; init; }

    /// <summary>When asking again can succeed, for a limit that resets: sent as <c>Retry-After</c> and <c>retryAfterSeconds</c>.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The outcome of an operation that can be refused: a value, or one <see cref="CipherpadError"/>.</summary>
/// <typeparam name="T">What a success carries.</typeparam>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, CipherpadError? error) => (_value, Error) = (value, error);

    public CipherpadError? Error { get; }

    public bool Succeeded => Error is null;

    /// <summary>The value of a success; reading it from a failure is a bug.</summary>
    public T Value => Error is null ? _value! : throw new InvalidOperationException($"The operation failed: {Error.Code}.");

#pragma warning disable CA2225 // A value or an error converts to its result; no named alternate is needed.
    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(CipherpadError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));
#pragma warning restore CA2225
}

