namespace Cipherpad.Contracts.Challenges;

/// <summary>A question issued to a user, as <c>POST /api/v1/challenges</c> and <c>GET /api/v1/challenges/{id}</c> return it.</summary>
/// <param name="ChallengeId">The id to verify the answer with.</param>
/// <param name="Purpose">One of <see cref="ChallengePurposes"/>.</param>
/// <param name="Method">The answer method, such as <c>app</c> or <c>sms</c>.</param>
/// <param name="Question">The digits to show the user.</param>
/// <param name="ExpiresAt">When the question stops accepting answers.</param>
/// <param name="QrPayload">The sealed request payload the cipher pad verifies; empty when the method is not <c>app</c>.</param>
/// <param name="QrImage">
/// The payload's QR code: a PNG data URL when the challenge is created, the path of <c>qr.png</c> when it is read;
/// <see langword="null"/> when there is no payload.
/// </param>
/// <param name="Status">One of <see cref="ChallengeStatuses"/>.</param>
/// <param name="AttemptsLeft">Wrong answers still allowed before the question locks.</param>
/// <param name="Payment">What a payment pays; <see langword="null"/> for other purposes.</param>
/// <param name="Description">The operation of an action; <see langword="null"/> for other purposes.</param>
public sealed record ChallengeResponse(Guid ChallengeId, string Purpose, string Method, string Question, DateTimeOffset ExpiresAt, string QrPayload,
    string? QrImage, string Status, int AttemptsLeft, PaymentView? Payment, string? Description);
