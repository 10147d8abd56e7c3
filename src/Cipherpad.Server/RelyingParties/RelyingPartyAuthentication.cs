using Cipherpad.Server.Problems;
using Cipherpad.Server.Web;

namespace Cipherpad.Server.RelyingParties;

/// <summary>
/// Authenticates relying-party API calls by HTTP Basic (client id : client secret), then counts the call against the
/// relying party's request limit; a failed authentication counts against its source address instead. Every failure is
/// the same RFC 7807 401, whatever was wrong: an unknown id, a wrong or rotated-away secret, a disabled relying party.
/// </summary>
public sealed class RelyingPartyAuthenticationFilter(RelyingPartyService relyingParties, RelyingPartyRequestLimits limits) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var party = await AuthenticateAsync(http.Request.Headers.Authorization, http.RequestAborted);
        if (party is null)
        {
            using var failure = limits.ForFailedAuthentication(ClientAddress.Of(http));
            if (!failure.IsAcquired)
            {
                return RelyingPartyRequestLimits.TooManyRequests(http, failure);
            }
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"Cipherpad relying-party API\"";
            return Problems.Errors.Unauthorized().ToProblem();
        }
        using var lease = limits.ForRelyingParty(party.Id);
        if (!lease.IsAcquired)
        {
            return RelyingPartyRequestLimits.TooManyRequests(http, lease);
        }
        http.Items[typeof(RelyingParty)] = party;
        return await next(context);
    }

    private async Task<RelyingParty?> AuthenticateAsync(string? header, CancellationToken cancellationToken) =>
        BasicCredentials.TryParse(header, out var credentials, out _)
            ? await relyingParties.AuthenticateAsync(credentials.Id, credentials.Secret, cancellationToken)
            : null;
}

public static class RelyingPartyHttpContextExtensions
{
    public static RelyingParty RelyingParty(this HttpContext context) =>
        (RelyingParty)(context?.Items[typeof(RelyingParty)] ?? throw new InvalidOperationException("The relying-party filter did not run."));
}
