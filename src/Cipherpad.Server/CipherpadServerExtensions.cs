using System.Text.Json.Serialization;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.Accounts.Changes;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Devices;
using Cipherpad.Server.ForwardAuth;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Observability;
using Cipherpad.Server.Oidc;
using Cipherpad.Server.Pages;
using Cipherpad.Server.Pruning;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.ReverseProxy;
using Cipherpad.Server.Security;
using Cipherpad.Server.Sessions;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Vault;
using Cipherpad.Server.Web;
using Cipherpad.Server.Webhooks;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server;

public static class CipherpadServerExtensions
{
    /// <summary>Reads and validates the settings, then adds every capability.</summary>
    public static WebApplicationBuilder AddCipherpad(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddSecretSettingFiles();
        var section = builder.Configuration.GetSection(CipherpadOptions.Section);
        // A relative data directory is relative to the content root, wherever the process was started from.
        var dataDirectory = section["DataDirectory"] is { Length: > 0 } configured ? configured : new CipherpadOptions().DataDirectory;
        if (!Path.IsPathRooted(dataDirectory))
        {
            section["DataDirectory"] = Path.Combine(builder.Environment.ContentRootPath, dataDirectory);
        }
        builder.Services.AddOptions<CipherpadOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CipherpadOptions>, CipherpadOptionsValidation>();
        var options = section.Get<CipherpadOptions>() ?? new CipherpadOptions();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCipherpadStorage(options);
        builder.Services.AddSecretProtection();
        builder.Services.AddSingleton<PublicLinks>();
        builder.Services.AddNotifications(options.Sms);
        builder.Services.AddWebhooks();
        builder.Services.AddAuthorizationLog();
        builder.Services.AddAccounts();
        builder.Services.AddAccountChanges();
        builder.Services.AddDevices();
        builder.Services.AddAnswerMethods();
        builder.Services.AddRelyingParties();
        builder.Services.AddChallenges();
        builder.Services.AddOidc(options);
        builder.Services.AddVault();
        builder.Services.AddPruning();

        // Asked before the framework's JSON writer: a person's browser gets a page, every other caller problem details.
        builder.Services.AddSingleton<IProblemDetailsWriter, HtmlProblemPages>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<RequestBindingFailures>();
        // Binding failures are thrown in every environment, so RequestBindingFailures answers them with a problem naming the field.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        builder.Services.AddOpenApi("v1", openApi => openApi.AddRelyingPartySecurityScheme());
        builder.Services.AddSessions(options.Sessions);
        builder.Services.AddForwardAuth(options);
        builder.Services.AddLanguages();
        builder.Services.AddPages();
        builder.Services.AddObservability(options);
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<MigrationsHealthCheck>("migrations")
            .AddCheck<Notifications.OutboxHealthCheck>("outbox-worker");
        builder.Services.AddCipherpadRateLimits(options);
        return builder;
    }

    /// <summary>Middleware and endpoints: pages, the relying-party and cipher-pad APIs, OpenAPI, health.</summary>
    public static WebApplication UseCipherpad(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.LogPublicUrlOnStart();
        app.LogSqliteSettingsOnStart();
        app.WarnOnStartIfUnevenlyTimed();
        app.UseTrustedProxies();
        app.UseSecurityHeaders();
        app.UseLanguages();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles(); // the phone cipher pad at /pad/ (wwwroot/pad/index.html)
        app.UseStaticFiles();
        app.UseNoStore();
        app.UseRouting();
        app.UseRateLimiter();
        // The relying-party API authenticates its callers itself, so its requests with a client id and secret skip the
        // schemes that every other request passes: the browser's cookies and OpenID Connect's endpoint handlers. A bearer
        // token passes them, since OpenIddict validates it in the server's request context.
        app.UseWhen(http => !RelyingPartyAuthentication.IsRelyingPartyApi(http) || RelyingPartyAuthentication.HasBearerToken(http),
            pages => pages.UseAuthentication());
        // WebApplication puts authentication first in the pipeline, for every request, unless it sees UseAuthentication called
        // on the application itself; a call in a branch is not seen there. This is the flag UseAuthentication sets.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseRelyingPartyAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealth();
        app.MapMetrics();
        app.MapChallengeApi();
        app.MapDeviceApi();
        app.MapPadApi();
        app.MapVaultApi();
        app.MapAccountPolicyApi();
        app.MapOidcEndpoints();
        app.MapForwardAuth();
        app.MapRazorPages();
        return app;
    }
}
