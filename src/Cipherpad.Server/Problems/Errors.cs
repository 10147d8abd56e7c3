using Cipherpad.Core.Payments;
using Cipherpad.Server.Localization;

namespace Cipherpad.Server.Problems;

/// <summary>
/// The one catalogue of user-facing error texts. Services return these; endpoints turn them into problem details
/// (<see cref="ProblemResults"/>) and pages show <see cref="CipherpadError.Description"/>, so a reason reads the
/// same wherever it is met.
/// </summary>
public static class Errors
{
    public static CipherpadError InvalidRequest(Text description, string? field = null) => new(ErrorCode.InvalidRequest, description, field);

    public static CipherpadError RequestBodyMissing() =>
        new(ErrorCode.InvalidRequest, "Send the request as a JSON object in the body, with Content-Type: application/json.", "body");

    public static CipherpadError RequestBodyNotJson(string? field = null) =>
        new(ErrorCode.InvalidRequest, field is null
            ? "The body is not a JSON object; send one with Content-Type: application/json."
            : $"The body is not valid JSON at '{field}'; send a JSON object with Content-Type: application/json.", field ?? "body");

    public static CipherpadError WrongJsonType(string field) =>
        new(ErrorCode.InvalidRequest, $"'{field}' must be a JSON string, in quotes: every field of a request is a string.", field);

    public static CipherpadError TooLongForCipherPad(string field, int excess) =>
        new(ErrorCode.InvalidRequest, $"'{field}' does not fit the QR code the cipher pad reads: with the relying party's name and the user's " +
            $"pads it is {excess} characters too long, counting each character outside ASCII as its percent-encoded UTF-8 " +
            "(a Cyrillic letter takes 6, an emoji 12). Shorten it.", field);

    public static CipherpadError Unauthorized() =>
        new(ErrorCode.Unauthorized, "Authenticate with HTTP Basic: the client id and client secret printed by 'rp add' or 'rp rotate-secret'.");

    public static CipherpadError UnknownAccount(string login) =>
        new(ErrorCode.UnknownAccount, $"No account has the login '{login.Trim()}'.", "login");

    public static CipherpadError NoActiveCipherPad(string login) =>
        new(ErrorCode.NoActiveCipherPad, $"The account with the login '{login.Trim()}' has no active cipher pad.", "login");

    public static CipherpadError UnknownChallenge(Guid id) =>
        new(ErrorCode.UnknownChallenge, $"There is no challenge {id} for this relying party.");

    public static CipherpadError UnknownMethod(string method, IEnumerable<string> known) =>
        new(ErrorCode.UnknownMethod, $"'method' must be one of {string.Join(", ", known)}, not '{method}'.", "method");

    public static CipherpadError MethodNotEnabled(string displayName) =>
        new(ErrorCode.MethodNotEnabled, $"This user has not turned on {displayName}; ask for another method.", "method");

    public static CipherpadError NoMethodChosen() => new(ErrorCode.NoMethodChosen, "Choose at least one method.");

    public static CipherpadError CipherPadNeeded() =>
        new(ErrorCode.CipherPadNeeded, "A cipher pad (phone or command line) is needed to activate the account; SMS can be added to it.");

    public static CipherpadError EmailNotConfirmed() => new(ErrorCode.EmailNotConfirmed, "Confirm your e-mail first.");

    public static CipherpadError LinkNotValid() =>
        new(ErrorCode.LinkNotValid, "This link is unknown, was already used, or has expired; ask for a new one.");

    public static CipherpadError CipherPadStillActive() => new(ErrorCode.CipherPadStillActive,
        "This account has an active cipher pad, so a new activation code is not sent by e-mail link. Add another pad from your " +
        "personal account (confirmed with the pad you have), or use recovery if you lost it.");

    public static CipherpadError MethodsAlreadyChosen() => new(ErrorCode.MethodsAlreadyChosen,
        "The methods for this account were already chosen and the activation code sent. If the code did not arrive, ask for a new one " +
        "on the activation page; to change methods, sign in and confirm the change with your cipher pad.");

    public static CipherpadError SmsDailyLimitReached(int dailyLimit, TimeSpan retryAfter) =>
        new(ErrorCode.SmsDailyLimitReached, $"This account has had its {dailyLimit} SMS answers for today (logins and actions); use the cipher pad.")
        {
            RetryAfter = retryAfter,
        };

    public static CipherpadError SmsRelyingPartyLimitReached(int perHour, TimeSpan retryAfter) =>
        new(ErrorCode.SmsRelyingPartyLimitReached,
            $"This relying party has had {perHour} SMS answers sent to this account this hour; use the cipher pad, or ask again in the next hour.")
        {
            RetryAfter = retryAfter,
        };

    public static CipherpadError SmsAccountLimitReached(int perHour, TimeSpan retryAfter) =>
        new(ErrorCode.SmsAccountLimitReached,
            $"This account has had its {perHour} SMS answers for this hour; use the cipher pad, or ask again in the next hour.")
        {
            RetryAfter = retryAfter,
        };

    public static CipherpadError NoApprovingPad(string login) =>
        new(ErrorCode.NoApprovingPad, $"No phone pad of the account with the login '{login.Trim()}' approves requests; ask for a question (method 'app') instead.", "login");

    public static CipherpadError PushLimitReached(int perHour, TimeSpan retryAfter) =>
        new(ErrorCode.PushLimitReached, $"This account has had its {perHour} approval requests for this hour; ask for a question (method 'app') instead.")
        {
            RetryAfter = retryAfter,
        };

    public static CipherpadError PushPaused(TimeSpan retryAfter) =>
        new(ErrorCode.PushPaused, "The owner recently refused an approval request on the phone pad, so new ones wait a while; ask for a question (method 'app') instead.")
        {
            RetryAfter = retryAfter,
        };

    public static CipherpadError PadUnauthorized() =>
        new(ErrorCode.PadUnauthorized, "Sign the request with the pad's request key (Authorization: CipherpadPad device=…, time=…, mac=…; docs/protocol.md §8), with the pad's clock within 5 minutes of the server's.");

    public static CipherpadError SmsNotForCurrency(Currency currency) =>
        new(ErrorCode.SmsNotForCurrency, $"Payments in {currency.Code} cannot be confirmed by SMS: no fee is configured for it.", "currency");

    public static CipherpadError PaymentDetailsDiffer(PaymentDetails asked, PaymentDetails restated) =>
        new(ErrorCode.PaymentDetailsDiffer, $"The challenge was issued for {asked}, not {restated}: the user's answer cannot confirm another payment.");

    public static CipherpadError UnknownActivation() =>
        new(ErrorCode.UnknownActivation, "This activation does not exist, has finished or expired; start again.");

    public static CipherpadError WrongActivationCode(int attemptsLeft) =>
        new(ErrorCode.WrongActivationCode, $"The activation code is wrong, already used or expired; {attemptsLeft} attempt(s) left from this address.", "clientConfirmation")
        {
            Facts = new Dictionary<string, object?> { ["attemptsLeft"] = attemptsLeft },
        };

    public static CipherpadError ActivationCodeVoid() =>
        new(ErrorCode.ActivationCodeVoid,
            "Too many wrong activation codes: this code no longer answers here. Ask for a new one (\"forgot activation code\").")
        {
            Facts = new Dictionary<string, object?> { ["attemptsLeft"] = 0 },
        };

    public static CipherpadError InvalidPublicKey() =>
        new(ErrorCode.InvalidPublicKey, "The client public key is not a P-256 point.", "clientPublicKey");

    public static CipherpadError HumanCheckMissing() =>
        new(ErrorCode.HumanCheckMissing, "This form needs JavaScript for a short automatic check that you are a person. " +
            "Turn JavaScript on for this site, wait for the check to finish, and send the form again.", HumanCheckField);

    public static CipherpadError HumanCheckFailed() =>
        new(ErrorCode.HumanCheckFailed, "The check that you are a person did not pass. A new check has started: " +
            "send the form again when it says it is done.", HumanCheckField);

    public static CipherpadError HumanCheckExpired() =>
        new(ErrorCode.HumanCheckExpired, "The check that you are a person has expired. A new check has started: " +
            "send the form again when it says it is done.", HumanCheckField);

    public static CipherpadError HumanCheckUsed() =>
        new(ErrorCode.HumanCheckUsed, "This check that you are a person was already used; each one counts once. A new check has started: " +
            "send the form again when it says it is done.", HumanCheckField);

    public static CipherpadError UnknownVaultItem(string name) =>
        new(ErrorCode.UnknownVaultItem, $"Your key vault has no item \"{name.Trim()}\" (or not that version).", "name");

    public static CipherpadError VaultItemTooLarge(int maxBytes) =>
        new(ErrorCode.VaultItemTooLarge, $"An item of the key vault is 1 to {maxBytes} bytes.", "content");

    public static CipherpadError VaultFull(int maxItems) =>
        new(ErrorCode.VaultFull, $"Your key vault holds {maxItems} items already; delete one first.", "name");

    public static CipherpadError UnknownVaultRelease() =>
        new(ErrorCode.UnknownVaultRelease, "This release is unknown or was already answered; ask for the item again.");

    public static CipherpadError VaultReleaseRefused(Challenges.VerifyResult result, int attemptsLeft) =>
        new(ErrorCode.VaultReleaseRefused, result == Challenges.VerifyResult.Wrong
            ? (Text)$"Wrong answer: nothing was released. {attemptsLeft} attempt(s) left for this question."
            : "This question can no longer release anything; ask for the item again.", "answer")
        {
            Facts = new Dictionary<string, object?> { ["attemptsLeft"] = result == Challenges.VerifyResult.Wrong ? attemptsLeft : 0 },
        };

    public static CipherpadError VaultTicketNotValid() =>
        new(ErrorCode.VaultTicketNotValid, "This ticket is unknown, was already used, or has expired; a ticket releases its item once.", "ticket");

    public static CipherpadError VaultItemUnreadable(string name) =>
        new(ErrorCode.VaultItemUnreadable, $"The stored item \"{name}\" cannot be decrypted: it was altered, or the master key that wraps its key is not configured. Nothing was released.");

    private const string HumanCheckField = "HumanCheck";

    public static CipherpadError NoPasskey(string login) =>
        new(ErrorCode.NoPasskey, $"The account with the login '{login.Trim()}' has no passkey that can answer; add one in the personal account.", "login");

    public static CipherpadError PasskeyNotAccepted() =>
        new(ErrorCode.PasskeyNotAccepted, "The browser's new passkey was not accepted: it did not answer this addition's challenge, or it is registered already. Add it again.");
}
