using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.DemoWallet;

/// <summary>
/// A small wallet that uses Cipherpad the standard way: people sign in through OpenID Connect (the ASP.NET Core handler,
/// code flow with PKCE and pushed authorization requests), and every transfer and settings change is confirmed at
/// Cipherpad as a payment or an action in <c>authorization_details</c> before the wallet carries it out. It signs
/// statements with a key its owner keeps in Cipherpad's key vault (<see cref="WalletKey"/>). Settings:
/// <c>Cipherpad:Authority</c>, <c>Cipherpad:ClientId</c>, <c>Cipherpad:ClientSecret</c>, <c>Wallet:Database</c>.
/// </summary>
public static class DemoWallet
{
    private const string OperationItem = "wallet-operation";
    private const long StartingBalanceCents = 1_000_00;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Defaults for running beside a Cipherpad server started with its own defaults; the settings and the command line override them.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cipherpad:Authority"] = "http://localhost:5080",
            [WebHostDefaults.ServerUrlsKey] = "http://localhost:5090",
        }.Where(setting => builder.Configuration[setting.Key] is null));
        configure?.Invoke(builder);
        var cipherpad = builder.Configuration.GetSection("Cipherpad");
        var database = builder.Configuration["Wallet:Database"] is { Length: > 0 } path ? path : Path.Combine(builder.Environment.ContentRootPath, "wallet.db");
        builder.Services.AddDbContext<WalletDb>(db => db.UseSqlite($"Data Source={database}"));
        builder.Services.AddAntiforgery();
        builder.Services.AddHttpClient<CipherpadVault>(http => CipherpadVault.Configure(http, cipherpad));
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie => cookie.Cookie.Name = "demo-wallet")
            .AddOpenIdConnect(oidc =>
            {
                oidc.Authority = cipherpad["Authority"];
                oidc.ClientId = cipherpad["ClientId"];
                oidc.ClientSecret = cipherpad["ClientSecret"];
                oidc.RequireHttpsMetadata = !builder.Environment.IsDevelopment() && !(cipherpad["Authority"] ?? "").StartsWith("http://127.0.0.1", StringComparison.Ordinal);
                oidc.ResponseType = "code";
                oidc.UsePkce = true;
                // The details to confirm go to Cipherpad over the back channel: nothing in the browser can change them.
                oidc.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Require;
                oidc.MapInboundClaims = false;
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                oidc.Scope.Add("email");
                oidc.Scope.Add("profile");
                oidc.SignedOutRedirectUri = "/";
                // Kept in the wallet's cookie so that signing out names the person to Cipherpad (id_token_hint): without it,
                // Cipherpad does not end its session, since any page could have sent the browser there.
                oidc.SaveTokens = true;
                oidc.Events.OnRedirectToIdentityProvider = AskForConfirmationAsync;
                oidc.Events.OnTokenValidated = CarryOutAsync;
            });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<WalletDb>().Database.EnsureCreated();
        }
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        MapPages(app);
        WalletKeyPages.Map(app);
        return app;
    }

    /// <summary>Adds the operation to confirm, when there is one, to the authorization request (pushed with it).</summary>
    private static async Task AskForConfirmationAsync(RedirectContext context)
    {
        if (context.Properties.Items.TryGetValue(OperationItem, out var id) && Guid.TryParse(id, out var operationId))
        {
            var db = context.HttpContext.RequestServices.GetRequiredService<WalletDb>();
            var operation = await db.Operations.SingleAsync(o => o.Id == operationId);
            context.ProtocolMessage.SetParameter("authorization_details", Confirmation.Request(operation));
            var wallet = await db.Wallets.SingleAsync(w => w.Subject == operation.Subject);
            context.ProtocolMessage.LoginHint = wallet.Email;
        }
    }

    /// <summary>
    /// After Cipherpad's tokens were validated: opens the wallet on a first sign-in, and carries out a pending operation
    /// only if the token confirms exactly it, for this wallet's owner.
    /// </summary>
    private static async Task CarryOutAsync(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var db = context.HttpContext.RequestServices.GetRequiredService<WalletDb>();
        var subject = principal.FindFirstValue("sub")!;
        var wallet = await db.Wallets.SingleOrDefaultAsync(w => w.Subject == subject);
        if (wallet is null)
        {
            wallet = new Wallet { Subject = subject, Email = principal.FindFirstValue("email") ?? "", BalanceCents = StartingBalanceCents };
            db.Wallets.Add(wallet);
        }
        wallet.Name = principal.FindFirstValue("name") ?? wallet.Name;
        if (context.Properties!.Items.TryGetValue(OperationItem, out var id) && Guid.TryParse(id, out var operationId)
            && await db.Operations.SingleOrDefaultAsync(o => o.Id == operationId && o.Status == OperationStatus.Pending) is { } operation)
        {
            var problem = Confirmation.Problem(principal, operation);
            if (problem is null && operation.Kind == OperationKind.Transfer && Confirmation.Cents(operation.Amount!) > wallet.BalanceCents)
            {
                problem = "Not enough money in the wallet.";
            }
            operation.Status = problem is null ? OperationStatus.Done : OperationStatus.Refused;
            operation.Outcome = problem ?? (operation.Kind == OperationKind.Transfer ? $"Paid {operation.Amount} USD to {operation.Payee}." : "Setting changed.");
            if (problem is null && operation.Kind == OperationKind.Transfer)
            {
                wallet.BalanceCents -= Confirmation.Cents(operation.Amount!);
            }
            else if (problem is null)
            {
                wallet.MailOnTransfer = !wallet.MailOnTransfer;
            }
        }
        await db.SaveChangesAsync();
    }

    private static void MapPages(WebApplication app)
    {
        app.MapGet("/", async (HttpContext http, WalletDb db, IAntiforgery antiforgery, IConfiguration configuration) =>
        {
            var subject = http.User.FindFirstValue("sub");
            var wallet = subject is null ? null : await db.Wallets.SingleOrDefaultAsync(w => w.Subject == subject);
            if (wallet is null)
            {
                return Html.Page("Demo Wallet", """
                    <p>A wallet that never asks for a password: you sign in, and confirm every transfer, with your Cipherpad cipher pad.</p>
                    <p><a class="button" id="sign-in" href="/signin">Sign in with Cipherpad</a></p>
                    """);
            }
            var token = antiforgery.GetAndStoreTokens(http).RequestToken!;
            var operations = await db.Operations.Where(o => o.Subject == subject).OrderByDescending(o => o.CreatedAt).Take(10).ToListAsync();
            var rows = string.Concat(operations.Select(o => $"""
                <tr class="{Html.Encode(o.Status.ToString().ToLowerInvariant())}"><td>{Html.Encode(o.Kind switch
                {
                    OperationKind.Transfer => $"{o.Amount} USD to {o.Payee}",
                    OperationKind.Statement => "Statement of the balance",
                    _ => o.Description,
                })}</td>
                <td>{Html.Encode(o.Status.ToString())}</td><td>{Html.Encode(o.Outcome)}</td></tr>
                """));
            return Html.Page("Demo Wallet", $$"""
                <p>Signed in as <strong id="who">{{Html.Encode(wallet.Email)}}</strong>.</p>
                <p>Balance: <strong id="balance">{{Html.Encode(Confirmation.CanonicalAmount((wallet.BalanceCents / 100m).ToString(System.Globalization.CultureInfo.InvariantCulture)) ?? "0.00")}} USD</strong></p>
                <h2>Send money</h2>
                <form method="post" action="/transfer">
                  {{Html.Token(token)}}
                  <label>Payee <input name="payee" id="payee" required maxlength="64" /></label>
                  <label>Amount (USD) <input name="amount" id="amount" required inputmode="decimal" /></label>
                  <label class="check"><input type="checkbox" name="alter" id="alter" value="true" /> Demonstration: let malware on this PC
                    multiply the amount by 100 after you confirm it</label>
                  <button type="submit" id="send">Send, confirming with Cipherpad</button>
                </form>
                <h2>Settings</h2>
                <form method="post" action="/settings">
                  {{Html.Token(token)}}
                  <p>Mail me on every transfer: <strong id="mail-setting">{{(wallet.MailOnTransfer ? "on" : "off")}}</strong></p>
                  <button type="submit" id="toggle-mail">Turn it {{(wallet.MailOnTransfer ? "off" : "on")}}, confirming with Cipherpad</button>
                </form>
                <h2>Wallet key</h2>
                {{WalletKeyPages.Section(wallet, token, configuration["Cipherpad:Authority"])}}
                <h2>Operations</h2>
                <table id="operations"><tr><th>What</th><th>Status</th><th>Outcome</th></tr>{{rows}}</table>
                <form method="post" action="/signout">{{Html.Token(token)}}
                  <button type="submit" class="secondary" id="sign-out">Sign out</button></form>
                """);
        });
        app.MapGet("/signin", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }));
        app.MapPost("/transfer", async (HttpContext http, WalletDb db, [FromForm] string? payee, [FromForm] string? amount, [FromForm] bool? alter) =>
        {
            var canonical = Confirmation.CanonicalAmount(amount);
            payee = payee?.Trim();
            if (canonical is null || string.IsNullOrEmpty(payee) || payee.Length > 64 || payee.Any(c => c is <= ' ' or > '~'))
            {
                return Html.Page("Demo Wallet", """<p class="error" id="error">Give a payee (letters and digits, no spaces) and an amount such as 12.50.</p><p><a href="/">Back</a></p>""",
                    StatusCodes.Status400BadRequest);
            }
            return await ConfirmAsync(http, db, new Operation
            {
                Subject = "", Kind = OperationKind.Transfer, Payee = payee, Amount = canonical, AlteredAfterConfirmation = alter == true,
            });
        }).RequireAuthorization();
        app.MapPost("/settings", async (HttpContext http, WalletDb db) =>
        {
            var wallet = await db.Wallets.SingleAsync(w => w.Subject == http.User.FindFirstValue("sub"));
            return await ConfirmAsync(http, db, new Operation
            {
                Subject = "", Kind = OperationKind.Setting,
                Description = $"Demo Wallet: turn mail on every transfer {(wallet.MailOnTransfer ? "off" : "on")}",
            });
        }).RequireAuthorization();
        app.MapPost("/signout", () => Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme])).RequireAuthorization();
    }

    /// <summary>Records the operation as pending and sends the person to Cipherpad to confirm exactly it.</summary>
    private static async Task<IResult> ConfirmAsync(HttpContext http, WalletDb db, Operation operation)
    {
        operation.Subject = http.User.FindFirstValue("sub")!;
        operation.Status = OperationStatus.Pending;
        operation.CreatedAt = DateTimeOffset.UtcNow;
        db.Operations.Add(operation);
        await db.SaveChangesAsync();
        var properties = new AuthenticationProperties { RedirectUri = "/" };
        properties.Items[OperationItem] = operation.Id.ToString();
        return Results.Challenge(properties, [OpenIdConnectDefaults.AuthenticationScheme]);
    }
}

/// <summary>The wallet's few pages; every value written into them is HTML-encoded.</summary>
internal static class Html
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>The antiforgery token's hidden field, for every form that posts.</summary>
    public static string Token(string token) => $"""<input type="hidden" name="__RequestVerificationToken" value="{Encode(token)}" />""";

    public static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{{Encode(title)}}</title>
        <style>
          body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
          label { display: block; margin-top: .6rem; } input:not([type=checkbox]) { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
          button, a.button { display: inline-block; margin-top: .8rem; padding: .6rem 1rem; border: 0; border-radius: .3rem; background: #1f5fbf;
            color: #fff; font-size: 1rem; text-decoration: none; cursor: pointer; }
          button.secondary { background: #fff; color: #1f5fbf; border: 1px solid #1f5fbf; }
          table { width: 100%; border-collapse: collapse; } td, th { text-align: left; padding: .3rem; border-bottom: 1px solid #ddd; }
          tr.refused td { color: #b00020; } .error { color: #b00020; }
          pre { white-space: pre-wrap; word-break: break-all; background: #f4f4f4; padding: .5rem; }
        </style></head>
        <body><h1>{{Encode(title)}}</h1>{{body}}</body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
