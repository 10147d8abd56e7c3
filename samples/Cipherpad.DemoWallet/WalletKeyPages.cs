using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.DemoWallet;

/// <summary>
/// The wallet key's pages: make a key (the owner stores its private half in Cipherpad's key vault), and sign a statement
/// of the balance with it, which takes the owner's answer, on the cipher pad, to the question Cipherpad asks for its release.
/// </summary>
internal static class WalletKeyPages
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/key", MakeKeyAsync).RequireAuthorization();
        app.MapPost("/statement", AskForKeyAsync).RequireAuthorization();
        app.MapGet("/statement/{id:guid}/qr.png", QrImageAsync).RequireAuthorization();
        app.MapPost("/statement/{id:guid}", SignAsync).RequireAuthorization();
    }

    /// <summary>The home page's section on the wallet key.</summary>
    public static string Section(Wallet wallet, string token, string? authority) => wallet.PublicKey is null
        ? $"""
          <p>Statements of this wallet are signed with a key that the wallet does not keep: you keep it in your Cipherpad key vault,
            and the wallet asks Cipherpad for it, with a question you answer on your cipher pad, each time it signs.</p>
          <form method="post" action="/key">{Html.Token(token)}<button type="submit" id="make-key">Make a wallet key</button></form>
          """
        : $"""
          <p>Your wallet key's fingerprint is <code id="key-fingerprint">{WalletKey.Fingerprint(wallet.PublicKey)}</code>. You keep the key in your
            <a href="{Html.Encode(authority?.TrimEnd('/'))}/account/vault">Cipherpad key vault</a> as <code>{WalletKey.VaultItem}</code>, and let sites ask for it.</p>
          <form method="post" action="/statement">{Html.Token(token)}<button type="submit" id="sign-statement">Sign a statement of the balance with my key</button></form>
          <form method="post" action="/key">{Html.Token(token)}<button type="submit" class="secondary" id="make-key">Make a new wallet key (the old one stops working here)</button></form>
          """;

    private static async Task<IResult> MakeKeyAsync(HttpContext http, WalletDb db, IConfiguration configuration)
    {
        var wallet = await db.Wallets.SingleAsync(w => w.Subject == http.User.FindFirstValue("sub"));
        var (privateKeyPem, publicKey) = WalletKey.Create();
        wallet.PublicKey = publicKey;
        await db.SaveChangesAsync();
        // The private key is on this page only: no copy may stay in a cache.
        http.Response.Headers.CacheControl = "no-store";
        var vault = $"{configuration["Cipherpad:Authority"]?.TrimEnd('/')}/account/vault";
        return Html.Page("Your new wallet key", $"""
            <p>The wallet kept only the key's public half (fingerprint <code id="key-fingerprint">{WalletKey.Fingerprint(publicKey)}</code>);
              it forgets the key itself once you leave this page.</p>
            <ol>
              <li><a id="download-key" download="{WalletKey.VaultItem}"
                href="data:application/x-pem-file;base64,{Convert.ToBase64String(Encoding.UTF8.GetBytes(privateKeyPem))}">Download {WalletKey.VaultItem}</a>.</li>
              <li>Store it in your Cipherpad key vault as <code>{WalletKey.VaultItem}</code>: on the <a href="{Html.Encode(vault)}">key vault page</a>,
                or with <code>cipherpad vault put {WalletKey.VaultItem}</code>.</li>
              <li>On the key vault page, let sites ask for it.</li>
              <li>Delete the downloaded file: the key vault keeps it now.</li>
            </ol>
            <details><summary>Show the key</summary><pre id="new-key">{Html.Encode(privateKeyPem)}</pre></details>
            <p><a href="/">Back to the wallet</a></p>
            """);
    }

    private static async Task<IResult> AskForKeyAsync(HttpContext http, WalletDb db, CipherpadVault vault, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var wallet = await db.Wallets.SingleAsync(w => w.Subject == http.User.FindFirstValue("sub"), cancellationToken);
        if (wallet.PublicKey is null)
        {
            return Results.Redirect("/");
        }
        var release = await vault.AskAsync(wallet.Email, WalletKey.VaultItem, cancellationToken);
        if (release is null)
        {
            return Html.Page("Demo Wallet", $"""
                <p class="error" id="error">Cipherpad has no key file "{WalletKey.VaultItem}" that you let sites ask for. Store your wallet key in your
                  key vault under that name, and let sites ask for it.</p><p><a href="/">Back</a></p>
                """, StatusCodes.Status409Conflict);
        }
        var statement = new Operation
        {
            Subject = wallet.Subject,
            Kind = OperationKind.Statement,
            Description = WalletKey.Statement(wallet, DateTimeOffset.UtcNow),
            ReleaseId = release.ReleaseId,
            ReleaseDescription = release.Description,
            Question = release.Question,
            QrImage = release.QrImage,
            Status = OperationStatus.Pending,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Operations.Add(statement);
        await db.SaveChangesAsync(cancellationToken);
        return QuestionPage(statement, antiforgery.GetAndStoreTokens(http).RequestToken!, error: null);
    }

    private static async Task<IResult> QrImageAsync(Guid id, HttpContext http, WalletDb db, CipherpadVault vault, CancellationToken cancellationToken)
    {
        if (await PendingAsync(db, id, http) is not { QrImage: { } path })
        {
            return Results.NotFound();
        }
        using var image = await vault.QrImageAsync(path, cancellationToken);
        return image.IsSuccessStatusCode ? Results.File(await image.Content.ReadAsByteArrayAsync(cancellationToken), "image/png") : Results.NotFound();
    }

    private static async Task<IResult> SignAsync(Guid id, HttpContext http, WalletDb db, CipherpadVault vault, IAntiforgery antiforgery,
        [FromForm] string? answer, CancellationToken cancellationToken)
    {
        if (await PendingAsync(db, id, http) is not { } statement)
        {
            return Results.Redirect("/");
        }
        answer = answer?.Trim();
        if (string.IsNullOrEmpty(answer) || answer.Length > 64)
        {
            return QuestionPage(statement, antiforgery.GetAndStoreTokens(http).RequestToken!, "Type the answer your cipher pad shows.");
        }
        var (keyFile, attemptsLeft) = await vault.AnswerAsync(statement.ReleaseId!.Value, answer, cancellationToken);
        if (keyFile is null && attemptsLeft > 0)
        {
            return QuestionPage(statement, antiforgery.GetAndStoreTokens(http).RequestToken!, $"That answer is not right: {attemptsLeft} attempt(s) left.");
        }
        var wallet = await db.Wallets.SingleAsync(w => w.Subject == statement.Subject, cancellationToken);
        var (signature, problem) = keyFile is null
            ? (null, "Cipherpad released no key: the answers were not right, or the question expired.")
            : WalletKey.Sign(keyFile, wallet.PublicKey!, statement.Description!);
        statement.Status = problem is null ? OperationStatus.Done : OperationStatus.Refused;
        statement.Signature = signature;
        statement.Outcome = problem ?? $"Signed with the wallet key {WalletKey.Fingerprint(wallet.PublicKey!)}.";
        await db.SaveChangesAsync(cancellationToken);
        return problem is not null
            ? Results.Redirect("/")
            : Html.Page("Signed statement", $"""
                <p>Signed with your wallet key (fingerprint <code>{WalletKey.Fingerprint(wallet.PublicKey!)}</code>), which Cipherpad released for this
                  signature only; the wallet did not keep it.</p>
                <pre id="statement">{Html.Encode(statement.Description)}</pre>
                <p>Signature (ECDSA P-256 with SHA-256, base64):</p>
                <pre id="signature">{Html.Encode(signature)}</pre>
                <p><a href="/">Back to the wallet</a></p>
                """);
    }

    /// <summary>The signed-in person's statement that waits for the key's release, or null.</summary>
    private static Task<Operation?> PendingAsync(WalletDb db, Guid id, HttpContext http) =>
        db.Operations.SingleOrDefaultAsync(o => o.Id == id && o.Subject == http.User.FindFirstValue("sub")
            && o.Kind == OperationKind.Statement && o.Status == OperationStatus.Pending);

    private static IResult QuestionPage(Operation statement, string token, string? error) => Html.Page("Release your wallet key", $"""
        <p>To sign, the wallet needs your wallet key from your Cipherpad key vault. Cipherpad asks you to confirm:</p>
        <p><strong id="release-description">{Html.Encode(statement.ReleaseDescription)}</strong></p>
        <p>Question: <strong id="question">{Html.Encode(statement.Question)}</strong></p>
        {(statement.QrImage is null ? "" : $"""<p><img src="/statement/{statement.Id}/qr.png" width="200" height="200" alt="The question as a QR code, for the phone cipher pad" /></p>""")}
        <p>On your cipher pad, confirm an action: type the question (or scan the code), check that it names this release, and type its answer here.</p>
        <form method="post" action="/statement/{statement.Id}">{Html.Token(token)}
          <label>Answer <input name="answer" id="answer" required autocomplete="off" inputmode="numeric" /></label>
          <button type="submit" id="send-answer">Release my key and sign</button>
        </form>
        {(error is null ? "" : $"""<p class="error" id="error">{Html.Encode(error)}</p>""")}
        <p><a href="/">Back to the wallet</a></p>
        """, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
}
