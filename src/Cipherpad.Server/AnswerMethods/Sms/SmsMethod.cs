using Cipherpad.Core.Answers;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Problems;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.AnswerMethods.Sms;

/// <summary>
/// The server makes a one-time answer and sends it by SMS with what is being confirmed. Logins and actions take one
/// SMS from the account's daily quota, reserved before the SMS leaves and given back if it could not be sent; a
/// payment is not counted but charged the configured fee for its currency.
/// </summary>
public sealed class SmsMethod(SmsAnswers answers, IOptions<CipherpadOptions> options) : IAnswerMethod
{
    public const string MethodName = "sms";

    public string Name => MethodName;

    public string DisplayName => "answers by SMS";

    public string Description => "Answers by SMS";

    public Task<CipherpadError?> CanIssueAsync(AnswerMethodRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(request.Payment is { } payment && answers.Fee(payment.Currency.Code) is null ? Errors.SmsNotForCurrency(payment.Currency) : null);
    }

    public async Task<CipherpadError?> IssueAsync(AnswerMethodRequest request, Challenge challenge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var counted = request.Purpose != Purpose.Payment;
        if (counted && !await answers.TryTakeQuotaAsync(request.Account.Id, cancellationToken))
        {
            return Errors.SmsDailyLimitReached(options.Value.Sms.DailyLimit);
        }
        var problem = await answers.SendAsync(request.Account, challenge, request.RelyingParty.Name, request.Payment, cancellationToken);
        if (problem is not null && counted)
        {
            await answers.ReturnQuotaAsync(request.Account.Id, cancellationToken); // an SMS that never left does not count
        }
        return problem;
    }

    public Task<AnswerCheck> CheckAsync(Challenge challenge, string typedAnswer, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(answers.Matches(challenge, typedAnswer) ? AnswerCheck.Right() : AnswerCheck.Wrong);
}
