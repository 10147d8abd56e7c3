using System.Text.Json;
using Cipherpad.Contracts.Pads;
using Cipherpad.Server.Devices;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cipherpad.Server.AnswerMethods.Push;

/// <summary>
/// The phone pad's own API, <c>/api/v1/pad</c>: every call is signed with the pad's request key (protocol.md §8), and the
/// signature covers the exact body, so each handler reads the body itself before it is parsed.
/// </summary>
public static class PadEndpoints
{
    // Where SignedAsync keeps the body it read, for a handler run again after a transient database error.
    private static readonly object SignedBodyKey = new();

    public static RouteGroupBuilder MapPadApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/pad").RetryOnTransientDatabaseErrors().WithTags("Cipher pad API");
        group.MapPut("/approval", SetApprovalAsync).WithName("SetPadApproval").Accepts<PadApprovalRequest>("application/json")
            .WithSummary("Turn approval of requests on this pad on or off.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/push-key", PushKeyAsync).WithName("PadPushKey")
            .WithSummary("The server's VAPID public key: the applicationServerKey of a pad's push subscription.");
        group.MapPost("/pending", PendingAsync).WithName("PendingPadRequests")
            .WithSummary("The approval requests waiting for this pad.").ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/challenges/{challengeId:guid}/approve", ApproveAsync).WithName("ApprovePadRequest").Accepts<ApproveRequest>("application/json")
            .WithSummary("Approve a request with the number the site shows and the pad's answer.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/challenges/{challengeId:guid}/deny", DenyAsync).WithName("DenyPadRequest")
            .WithSummary("Refuse a request: this wasn't me.").ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<PadApprovalResponse>, ProblemHttpResult>> SetApprovalAsync(HttpContext context, PadApprovals approvals,
        Microsoft.Extensions.Options.IOptions<CipherpadOptions> options, CancellationToken cancellationToken)
    {
        var (device, body, problem, signedAt) = await SignedAsync(context, approvals, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (Parse<PadApprovalRequest>(body) is not { Enabled: { } enabled } request)
        {
            return Errors.InvalidRequest("Send { \"enabled\": true } or { \"enabled\": false }.", "enabled").ToProblem();
        }
        StoredPushSubscription? subscription = null;
        if (request.Subscription is { } given)
        {
            if (!options.Value.Push.AllowsEndpoint(given.Endpoint))
            {
                return Errors.InvalidRequest("The push service is not one this server posts to (HTTPS, a host in Cipherpad:Push:EndpointHosts).",
                    "subscription.endpoint").ToProblem();
            }
            if (!IsBase64Url(given.Keys?.P256dh, 65) || !IsBase64Url(given.Keys?.Auth, 16))
            {
                return Errors.InvalidRequest("'keys.p256dh' is 65 bytes and 'keys.auth' 16 bytes, base64url.", "subscription.keys").ToProblem();
            }
            subscription = new StoredPushSubscription(given.Endpoint!, given.Keys!.P256dh!, given.Keys.Auth!);
        }
        var push = await approvals.SetAsync(device!, signedAt, enabled, subscription, Source(context, device!), cancellationToken);
        return push is null ? Errors.PadUnauthorized().ToProblem() : TypedResults.Ok(new PadApprovalResponse(enabled, push.Value));
    }

    private static async Task<Ok<PushKeyResponse>> PushKeyAsync(VapidKeys vapid, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PushKeyResponse((await vapid.GetAsync(cancellationToken)).PublicKey));

    private static bool IsBase64Url(string? text, int length)
    {
        try
        {
            return text is { Length: <= 200 } && System.Buffers.Text.Base64Url.DecodeFromChars(text).Length == length;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static async Task<Results<Ok<PendingRequestsResponse>, ProblemHttpResult>> PendingAsync(HttpContext context, PadApprovals approvals,
        CancellationToken cancellationToken)
    {
        var (device, _, problem, _) = await SignedAsync(context, approvals, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var waiting = await approvals.PendingAsync(device!, cancellationToken);
        return TypedResults.Ok(new PendingRequestsResponse([.. waiting.Select(c => new PendingRequest(c.Id, c.QrPayload, c.ExpiresAt))]));
    }

    private static async Task<Results<Ok<PadDecisionResponse>, ProblemHttpResult>> ApproveAsync(Guid challengeId, HttpContext context,
        PadApprovals approvals, CancellationToken cancellationToken)
    {
        var (device, body, problem, _) = await SignedAsync(context, approvals, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (Parse<ApproveRequest>(body) is not { Answer: { Length: > 0 and <= 64 } answer } request)
        {
            return Errors.InvalidRequest("Send { \"answer\": the pad's answer, \"number\": the number the site shows }.", "answer").ToProblem();
        }
        var result = await approvals.ApproveAsync(device!, challengeId, answer, request.Number, Source(context, device!), cancellationToken);
        return result switch
        {
            null => Errors.UnknownChallenge(challengeId).ToProblem(),
            PadApprovals.MalformedAnswer => Errors.InvalidRequest("The answer is 8 digits per part of the question; it was not spent.", "answer").ToProblem(),
            _ => TypedResults.Ok(new PadDecisionResponse(result)),
        };
    }

    private static async Task<Results<Ok<PadDecisionResponse>, ProblemHttpResult>> DenyAsync(Guid challengeId, HttpContext context,
        PadApprovals approvals, CancellationToken cancellationToken)
    {
        var (device, _, problem, _) = await SignedAsync(context, approvals, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var result = await approvals.DenyAsync(device!, challengeId, Source(context, device!), cancellationToken);
        return result is null ? Errors.UnknownChallenge(challengeId).ToProblem() : TypedResults.Ok(new PadDecisionResponse(result));
    }

    /// <summary>
    /// Reads a pad request's body (at most <paramref name="maxBodyBytes"/>, else <see cref="PadApprovals.MaxBodyBytes"/>)
    /// and checks its signature (docs/protocol.md §8): the active device that signed it, or the problem to answer.
    /// </summary>
    internal static async Task<(Device? Device, byte[] Body, ProblemHttpResult? Problem, long SignedAt)> SignedAsync(HttpContext context,
        PadApprovals approvals, CancellationToken cancellationToken, int? maxBodyBytes = null)
    {
        var request = context.Request;
        var limit = maxBodyBytes ?? PadApprovals.MaxBodyBytes;
        // A handler run again after a transient database error (TransientErrorRetries) finds the body it read the first time.
        if (context.Items[SignedBodyKey] is not byte[] body)
        {
            if (request.ContentLength > limit)
            {
                return (null, [], Errors.InvalidRequest($"A pad request's body is at most {limit} bytes.").ToProblem(), 0);
            }
            using var buffer = new MemoryStream();
            var chunk = new byte[1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return (null, [], Errors.InvalidRequest($"A pad request's body is at most {limit} bytes.").ToProblem(), 0);
                }
                buffer.Write(chunk, 0, read);
            }
            body = buffer.ToArray();
            context.Items[SignedBodyKey] = body;
        }
        var signed = await approvals.SignedByAsync(request.Headers.Authorization.ToString(), request.Method, request.Path.Value ?? "", body, cancellationToken);
        return signed is { } by ? (by.Device, body, null, by.SignedAt) : (null, body, Errors.PadUnauthorized().ToProblem(), 0);
    }

    internal static T? Parse<T>(byte[] body) where T : class
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string Source(HttpContext context, Device device) => $"{ClientAddress.Of(context)} (pad \"{DisplayText.Shown(device.Name)}\")";
}
