using Cipherpad.Contracts.Accounts;
using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.AnswerMethods.Sms;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cipherpad.Server.Accounts;

/// <summary>What a relying party may know about an account before it acts: which operations need confirming, and how.</summary>
public static class AccountPolicyEndpoints
{
    public static RouteGroupBuilder MapAccountPolicyApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/accounts").RetryOnTransientDatabaseErrors().RequireRelyingPartyAuthentication().WithTags("Relying-party API")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/policy", GetAsync).WithName("GetAccountPolicy")
            .WithSummary("Whether the user asked that every operation be confirmed, and which methods they use.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<AccountPolicy>, ProblemHttpResult>> GetAsync(string? login, HttpContext context, AccountDirectory directory,
        AccountMethods methods, SmsAnswers sms, CancellationToken cancellationToken)
    {
        var address = AccountRules.NormalizeEmail(login ?? "");
        var account = await directory.FindAsync(address, cancellationToken);
        if (account?.MethodsChosenAt is null)
        {
            return Errors.UnknownAccount(address).ToProblem();
        }
        var on = await methods.OnAsync(account.Id, cancellationToken);
        return TypedResults.Ok(new AccountPolicy(address, account.ConfirmAllOperations, on.Contains(CipherPadMethod.MethodName), on.Contains(SmsMethod.MethodName),
            await sms.LeftTodayAsync(account.Id, cancellationToken), await sms.LeftThisHourAsync(account.Id, context.RelyingParty().Id, cancellationToken),
            methods.Known(on)));
    }
}
