namespace Cipherpad.Contracts.Vault;

/// <summary>Stores a key file as the next version of the item <paramref name="Name"/>: <c>POST /api/v1/pad/vault/items</c>, signed by the pad.</summary>
/// <param name="Name">The item's name, 1 to 100 characters.</param>
/// <param name="Content">The file's bytes, base64url.</param>
public sealed record StoreVaultItemRequest(string? Name, string? Content);

/// <summary>One stored version of an item.</summary>
/// <param name="Number">1 for the first, counting up.</param>
/// <param name="Size">The content's length in bytes.</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record VaultVersion(int Number, int Size, DateTimeOffset CreatedAt);

/// <summary>An item of the key vault, without content.</summary>
/// <param name="Name">The item's name.</param>
/// <param name="Versions">Its versions, newest first.</param>
public sealed record VaultItem(string Name, IReadOnlyList<VaultVersion> Versions);

/// <summary>The account's items: <c>GET /api/v1/pad/vault/items</c>.</summary>
/// <param name="Items">By name.</param>
public sealed record VaultItemsResponse(IReadOnlyList<VaultItem> Items);

/// <summary>Names an item, and one of its versions or (left out) the newest.</summary>
/// <param name="Name">The item's name.</param>
/// <param name="Version">A version's number, or null for the newest (or, when deleting, for every version).</param>
public sealed record VaultItemReference(string? Name, int? Version = null);

/// <summary>
/// A release asked for: the question to answer in the cipher pad's confirm-action mode, and its description, which the
/// pad shows verified and which names the item and version.
/// </summary>
/// <param name="ReleaseId">Where the answer goes.</param>
/// <param name="Question">The question, digits.</param>
/// <param name="Description">What the answer confirms: the release of this item and version.</param>
/// <param name="QrPayload">The question as the pad's QR code carries it (docs/protocol.md §5).</param>
/// <param name="Name">The item.</param>
/// <param name="Version">The version released.</param>
/// <param name="ExpiresAt">Until when the question can be answered.</param>
/// <param name="QrImage">For a relying party's release, the path of the question's QR code as a PNG (fetched with its credentials); null for a pad's.</param>
public sealed record VaultReleaseResponse(Guid ReleaseId, string Question, string Description, string QrPayload, string Name, int Version,
    DateTimeOffset ExpiresAt, string? QrImage = null);

/// <summary>The answer to a release's question: <c>POST /api/v1/pad/vault/releases/{releaseId}/answer</c>.</summary>
/// <param name="Answer">The cipher pad's answer in confirm-action mode.</param>
public sealed record VaultReleaseAnswer(string? Answer);

/// <summary>The ticket that fetches the released item once, before <paramref name="ExpiresAt"/>.</summary>
/// <param name="Ticket">A secret; it releases the item once.</param>
/// <param name="ExpiresAt">Until when it works.</param>
public sealed record VaultTicketResponse(string Ticket, DateTimeOffset ExpiresAt);

/// <summary>Fetches what a ticket releases: <c>POST /api/v1/vault/tickets</c>.</summary>
/// <param name="Ticket">The ticket from the answered release.</param>
public sealed record VaultTicketRequest(string? Ticket);

/// <summary>What a ticket released.</summary>
/// <param name="Name">The item.</param>
/// <param name="Version">The version.</param>
/// <param name="Content">The file's bytes, base64url.</param>
public sealed record ReleasedVaultItem(string Name, int Version, string Content);

/// <summary>
/// A relying party asks for an item of its user: <c>POST /api/v1/vault/releases</c>. Only an item whose owner lets sites
/// ask can be released, and only by the answer to the question in the response.
/// </summary>
/// <param name="Login">The user's e-mail or alias.</param>
/// <param name="Name">The item's name.</param>
/// <param name="Version">A version's number, or null for the newest.</param>
public sealed record RelyingPartyVaultReleaseRequest(string? Login, string? Name, int? Version = null);
