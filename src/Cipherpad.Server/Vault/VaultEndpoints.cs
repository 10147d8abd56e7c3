using System.Buffers.Text;
using Cipherpad.Contracts.Vault;
using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cipherpad.Server.Vault;

/// <summary>
/// The key vault's API. The cipher pad's own calls are signed by it (docs/protocol.md §8), which proves the pad as its
/// answers do: it stores, lists and deletes, and asks for releases, whose questions it then answers like any other.
/// Fetching with a ticket needs only the ticket, which works once.
/// </summary>
public static class VaultEndpoints
{
    // Base64url of the largest item, with room for the name and the JSON around it.
    private static int MaxBodyBytes(VaultOptions options) => (options.MaxItemBytes * 4 / 3) + 1024;

    public static RouteGroupBuilder MapVaultApi(this IEndpointRouteBuilder routes)
    {
        var pad = routes.MapGroup("/api/v1/pad/vault").RetryOnTransientDatabaseErrors().WithTags("Key vault");
        pad.MapPost("/items", StoreAsync).WithName("StoreVaultItem").Accepts<StoreVaultItemRequest>("application/json")
            .WithSummary("Store a key file as the next version of an item (signed by the pad).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        pad.MapGet("/items", ListAsync).WithName("ListVaultItems")
            .WithSummary("The account's items and their versions, without content (signed by the pad).").ProducesProblem(StatusCodes.Status401Unauthorized);
        pad.MapPost("/items/delete", DeleteAsync).WithName("DeleteVaultItem").Accepts<VaultItemReference>("application/json")
            .WithSummary("Delete an item, or one version, for good (signed by the pad).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        pad.MapPost("/releases", AskReleaseAsync).WithName("AskVaultRelease").Accepts<VaultItemReference>("application/json")
            .WithSummary("Ask for an item: a question whose description names it, for the pad's confirm-action mode (signed by the pad).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        pad.MapPost("/releases/{releaseId:guid}/answer", AnswerReleaseAsync).WithName("AnswerVaultRelease").Accepts<VaultReleaseAnswer>("application/json")
            .WithSummary("Answer a release's question: the right answer, once, gives the ticket (signed by the pad).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        var relyingParty = routes.MapGroup("/api/v1/vault/releases").RetryOnTransientDatabaseErrors().RequireRelyingPartyAuthentication().WithTags("Key vault")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        relyingParty.MapPost("/", AskReleaseForRelyingPartyAsync).WithName("AskVaultReleaseForRelyingParty")
            .WithSummary("Ask for a user's item: a question naming the item and the relying party, for the user's cipher pad.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        relyingParty.MapPost("/{releaseId:guid}/answer", AnswerReleaseForRelyingPartyAsync).WithName("AnswerVaultReleaseForRelyingParty")
            .WithSummary("Send the answer the user typed: the right one, once, gives the ticket.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        var tickets = routes.MapGroup("/api/v1/vault").RetryOnTransientDatabaseErrors().WithTags("Key vault");
        tickets.MapPost("/tickets", FetchAsync).WithName("FetchVaultItem")
            .WithSummary("Fetch the item a ticket releases; the ticket works once.")
            .ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status500InternalServerError);
        return pad;
    }

    private static async Task<Results<Ok<VaultVersion>, ProblemHttpResult>> StoreAsync(HttpContext context, PadApprovals approvals, VaultService vault,
        Microsoft.Extensions.Options.IOptions<CipherpadOptions> options, CancellationToken cancellationToken)
    {
        var (device, body, problem, _) = await PadEndpoints.SignedAsync(context, approvals, cancellationToken, MaxBodyBytes(options.Value.Vault));
        if (problem is not null)
        {
            return problem;
        }
        if (PadEndpoints.Parse<StoreVaultItemRequest>(body) is not { Name: { } name, Content: { } encoded } || !TryDecode(encoded, out var content))
        {
            return Errors.InvalidRequest("Send { \"name\": the item's name, \"content\": the file's bytes in base64url }.", "content").ToProblem();
        }
        var stored = await vault.StoreAsync(device!.AccountId, name, content, PadEndpoints.Source(context, device), device.Id, cancellationToken);
        return stored.Succeeded ? TypedResults.Ok(new VaultVersion(stored.Value.Number, stored.Value.Size, stored.Value.CreatedAt)) : stored.Error!.ToProblem();
    }

    private static async Task<Results<Ok<VaultItemsResponse>, ProblemHttpResult>> ListAsync(HttpContext context, PadApprovals approvals, VaultService vault,
        CancellationToken cancellationToken)
    {
        var (device, _, problem, _) = await PadEndpoints.SignedAsync(context, approvals, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var items = await vault.ListAsync(device!.AccountId, cancellationToken);
        return TypedResults.Ok(new VaultItemsResponse([.. items.Select(i =>
            new Contracts.Vault.VaultItem(i.Name, [.. i.Versions.Select(v => new VaultVersion(v.Number, v.Size, v.CreatedAt))]))]));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext context, PadApprovals approvals, VaultService vault,
        CancellationToken cancellationToken)
    {
        var (device, body, problem, _) = await PadEndpoints.SignedAsync(context, approvals, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (PadEndpoints.Parse<VaultItemReference>(body) is not { Name: { } name } reference)
        {
            return Errors.InvalidRequest("Send { \"name\": the item's name } and, for one version only, \"version\".", "name").ToProblem();
        }
        return await vault.DeleteAsync(device!.AccountId, name, reference.Version, PadEndpoints.Source(context, device), device.Id, cancellationToken)
            ? TypedResults.NoContent()
            : Errors.UnknownVaultItem(name).ToProblem();
    }

    private static async Task<Results<Ok<VaultReleaseResponse>, ProblemHttpResult>> AskReleaseAsync(HttpContext context, PadApprovals approvals,
        VaultService vault, CancellationToken cancellationToken)
    {
        var (device, body, problem, _) = await PadEndpoints.SignedAsync(context, approvals, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (PadEndpoints.Parse<VaultItemReference>(body) is not { Name: { } name } reference)
        {
            return Errors.InvalidRequest("Send { \"name\": the item's name } and, for an older version, \"version\".", "name").ToProblem();
        }
        var asked = await vault.AskReleaseAsync(device!.AccountId, name, reference.Version, $"pad {device.Id}", cancellationToken);
        return Released(asked, forRelyingParty: false);
    }

    private static async Task<Results<Ok<VaultTicketResponse>, ProblemHttpResult>> AnswerReleaseAsync(Guid releaseId, HttpContext context,
        PadApprovals approvals, VaultService vault, CancellationToken cancellationToken)
    {
        var (device, body, problem, _) = await PadEndpoints.SignedAsync(context, approvals, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (PadEndpoints.Parse<VaultReleaseAnswer>(body) is not { Answer: { Length: > 0 and <= 64 } answer })
        {
            return Errors.InvalidRequest("Send { \"answer\": the pad's answer to the release's question }.", "answer").ToProblem();
        }
        var ticket = await vault.AnswerReleaseAsync(device!.AccountId, releaseId, answer, PadEndpoints.Source(context, device), device.Id, cancellationToken);
        return ticket.Succeeded ? TypedResults.Ok(new VaultTicketResponse(ticket.Value.Ticket, ticket.Value.ExpiresAt)) : ticket.Error!.ToProblem();
    }

    private static async Task<Results<Ok<VaultReleaseResponse>, ProblemHttpResult>> AskReleaseForRelyingPartyAsync(RelyingPartyVaultReleaseRequest request,
        HttpContext context, VaultService vault, CancellationToken cancellationToken)
    {
        var asked = await vault.AskReleaseForAsync(context.RelyingParty(), request.Login, request.Name, request.Version, cancellationToken);
        return Released(asked, forRelyingParty: true);
    }

    private static async Task<Results<Ok<VaultTicketResponse>, ProblemHttpResult>> AnswerReleaseForRelyingPartyAsync(Guid releaseId, VaultReleaseAnswer request,
        HttpContext context, VaultService vault, CancellationToken cancellationToken)
    {
        if (request.Answer is not { Length: > 0 and <= 64 } answer)
        {
            return Errors.InvalidRequest("Send { \"answer\": what the user typed }.", "answer").ToProblem();
        }
        var ticket = await vault.AnswerReleaseForAsync(context.RelyingParty(), releaseId, answer, ClientAddress.Of(context), cancellationToken);
        return ticket.Succeeded ? TypedResults.Ok(new VaultTicketResponse(ticket.Value.Ticket, ticket.Value.ExpiresAt)) : ticket.Error!.ToProblem();
    }

    private static async Task<Results<Ok<ReleasedVaultItem>, ProblemHttpResult>> FetchAsync(VaultTicketRequest request, HttpContext context, VaultService vault,
        CancellationToken cancellationToken)
    {
        var released = await vault.FetchAsync(request?.Ticket, ClientAddress.Of(context), cancellationToken);
        return released.Succeeded
            ? TypedResults.Ok(new ReleasedVaultItem(released.Value.Name, released.Value.Version, Base64Url.EncodeToString(released.Value.Content)))
            : released.Error!.ToProblem();
    }

    /// <summary>The answer to a release asked for, by a pad or a relying party alike.</summary>
    private static Results<Ok<VaultReleaseResponse>, ProblemHttpResult> Released(Result<ReleaseQuestion> asked, bool forRelyingParty)
    {
        if (!asked.Succeeded)
        {
            return asked.Error!.ToProblem();
        }
        var release = asked.Value;
        return TypedResults.Ok(new VaultReleaseResponse(release.ReleaseId, release.Challenge.Question, release.Challenge.Description!, release.Challenge.QrPayload,
            release.Name, release.Version, release.Challenge.ExpiresAt, forRelyingParty ? Challenges.ChallengeEndpoints.QrImagePath(release.Challenge) : null));
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
