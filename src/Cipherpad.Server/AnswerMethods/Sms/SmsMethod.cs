using Cipherpad.Core.Answers;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;

namespace Cipherpad.Server.AnswerMethods.Sms;

/// <summary>
/// The server makes a one-time answer and sends it by SMS with what is being confirmed. Every SMS is reserved against
/// the asking relying party's hourly share and the account's hourly total, logins and actions against the daily quota
/// too, before the SMS is queued in the outbox with the challenge. A payment is charged the configured fee for its
/// currency once it is confirmed with the answer, never for the SMS alone.
/// </summary>
public sealed class SmsMethod(SmsAnswers answers) : IAnswerMethod
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
        if (await answers.TryReserveAsync(request.Account.Id, request.RelyingParty.Id, daily: request.Purpose != Purpose.Payment, cancellationToken) is { } refused)
        {
            return refused;
        }
        answers.Send(request.Account, challenge, request.RelyingParty.Name, request.Payment);
        return null;
    }

    /// <summary>One answer is accepted: the one the server made, 8 random digits per part of the question.</summary>
    public Task<double> GuessChanceAsync(Guid accountId, int parts, CancellationToken cancellationToken) =>
        Task.FromResult(Math.Pow(10, -AnswerSuites.AnswerDigits * parts));

    public Task<AnswerCheck> CheckAsync(Challenge challenge, string typedAnswer, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(answers.Matches(challenge, typedAnswer) ? AnswerCheck.Right() : AnswerCheck.Wrong);

    public Task AcceptedAsync(Challenge challenge, RelyingParty relyingParty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relyingParty);
        answers.Charge(challenge, relyingParty.Name);
        return Task.CompletedTask;
    }
}
