namespace Cipherpad.Contracts.Challenges;

/// <summary>A question issued to a user, as <c>POST /api/v1/challenges</c> and <c>GET /api/v1/challenges/{id}</c> return it.</summary>
/// <param name="ChallengeId">The id to verify the answer with.</param>
/// <param name="Purpose">One of <see cref="ChallengePurposes"/>.</param>
/// <param name="Method">The answer method, such as <c>app</c> or <c>sms</c>.</param>
/// <param name="Question">The digits to show the user.</param>
/// <param name="ExpiresAt">When the question stops accepting answers.</param>
/// <param name="QrPayload">The sealed request payload the cipher pad verifies; empty when the method is not <c>app</c>.</param>
/// <param name="QrImage">
/// The path of the payload's QR code, <c>/api/v1/challenges/{id}/qr.png</c> (a PNG, read with the same credentials), after
/// a create and a read alike; <see langword="null"/> when there is no payload.
/// </param>
/// <param name="Status">One of <see cref="ChallengeStatuses"/>.</param>
/// <param name="AttemptsLeft">Answers the question still takes before it locks; 0 once it is succeeded, locked or expired.</param>
/// <param name="Payment">What a payment pays; <see langword="null"/> for other purposes.</param>
/// <param name="Description">The operation of an action; <see langword="null"/> for other purposes.</param>
/// <param name="MatchNumber">
/// For the <c>push</c> method: the two-digit number the site shows beside the question; the person types it on the phone
/// pad to approve, so that a request they did not start cannot be approved by a tap. <see langword="null"/> for other methods.
/// </param>
public sealed record ChallengeResponse(Guid ChallengeId, string Purpose, string Method, string Question, DateTimeOffset ExpiresAt, string QrPayload,
    string? QrImage, string Status, int AttemptsLeft, PaymentView? Payment, string? Description, int? MatchNumber = null);
