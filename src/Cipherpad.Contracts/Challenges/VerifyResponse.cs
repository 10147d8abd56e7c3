namespace Cipherpad.Contracts.Challenges;

/// <summary>The decision on an answer.</summary>
/// <param name="Result">One of <see cref="VerifyResults"/>.</param>
/// <param name="AttemptsLeft">Answers the question still takes before it locks; 0 once it is succeeded, locked or expired.</param>
/// <param name="RetryAfterSeconds">When the result is <c>throttled</c>: how long to wait before answering again.</param>
public sealed record VerifyResponse(string Result, int AttemptsLeft, int? RetryAfterSeconds);
