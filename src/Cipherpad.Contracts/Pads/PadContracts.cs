namespace Cipherpad.Contracts.Pads;

/// <summary>Turns approval on this pad on or off: <c>PUT /api/v1/pad/approval</c>, signed by the pad (protocol.md §8).</summary>
/// <param name="Enabled">Whether the pad approves requests of the <c>push</c> method.</param>
/// <param name="Subscription">The browser's Web Push subscription (<c>PushSubscription.toJSON()</c>), so requests wake the pad; without one the pad finds requests while it is open.</param>
public sealed record PadApprovalRequest(bool? Enabled, PadPushSubscription? Subscription = null);

/// <summary>A Web Push subscription as browsers write it.</summary>
/// <param name="Endpoint">The push service's URL for this pad.</param>
/// <param name="Keys">The pad's encryption keys.</param>
public sealed record PadPushSubscription(string? Endpoint, PadPushKeys? Keys);

/// <summary>The pad's P-256 public key (65 bytes) and auth secret (16 bytes), base64url.</summary>
/// <param name="P256dh">The public key.</param>
/// <param name="Auth">The auth secret.</param>
public sealed record PadPushKeys(string? P256dh, string? Auth);

/// <summary>The server's VAPID public key (65 bytes, base64url), the <c>applicationServerKey</c> of a pad's subscription.</summary>
/// <param name="PublicKey">The key.</param>
public sealed record PushKeyResponse(string PublicKey);

/// <summary>Whether the pad approves requests now, and whether pushes wake it.</summary>
/// <param name="Enabled">As set.</param>
/// <param name="Push">Whether a push subscription is kept for the pad.</param>
public sealed record PadApprovalResponse(bool Enabled, bool Push);

/// <summary>A question waiting for this pad's approval.</summary>
/// <param name="ChallengeId">The question, for approve and deny.</param>
/// <param name="Payload">The sealed request payload (protocol.md §5): the pad shows it only if its tag is right.</param>
/// <param name="ExpiresAt">When it stops taking answers.</param>
public sealed record PendingRequest(Guid ChallengeId, string Payload, DateTimeOffset ExpiresAt);

/// <summary>The questions waiting for this pad: <c>POST /api/v1/pad/pending</c>, newest first.</summary>
/// <param name="Requests">At most 10.</param>
public sealed record PendingRequestsResponse(IReadOnlyList<PendingRequest> Requests);

/// <summary>The pad approves a question: <c>POST /api/v1/pad/challenges/{challengeId}/approve</c>.</summary>
/// <param name="Answer">The pad's answer to the payload's question (protocol.md §3).</param>
/// <param name="Number">The two-digit number the person typed, as the site showed it.</param>
public sealed record ApproveRequest(string? Answer, int? Number);

/// <summary>What came of an approval or a denial.</summary>
/// <param name="Result">One of <see cref="Challenges.VerifyResults"/>, or <c>wrong-number</c> when the typed number was not the site's (the question is then denied).</param>
public sealed record PadDecisionResponse(string Result);
