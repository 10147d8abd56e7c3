namespace Cipherpad.Server.Problems;

/// <summary>
/// Every reason the server refuses something. The wire form is kebab-case (<see cref="ErrorCodes.WireName"/>),
/// such as <c>sms-daily-limit-reached</c>; codes are never renamed once released.
/// </summary>
public enum ErrorCode
{
    InvalidRequest,
    Unauthorized,
    UnknownAccount,
    NoActiveCipherPad,
    UnknownChallenge,
    UnknownMethod,
    MethodNotEnabled,
    NoMethodChosen,
    CipherPadNeeded,
    EmailNotConfirmed,
    SmsDailyLimitReached,
    SmsNotForCurrency,
    PaymentDetailsDiffer,
    InvalidEmail,
    UnknownActivation,
    WrongActivationCode,
    ActivationCodeVoid,
    InvalidPublicKey,
    MethodsAlreadyChosen,
    LinkNotValid,
    CipherPadStillActive,
    HumanCheckMissing,
    HumanCheckFailed,
    HumanCheckExpired,
    HumanCheckUsed,
    SmsRelyingPartyLimitReached,
    SmsAccountLimitReached,
    NoApprovingPad,
    PushLimitReached,
    PushPaused,
    PadUnauthorized,
    UnknownVaultItem,
    VaultItemTooLarge,
    VaultFull,
    UnknownVaultRelease,
    VaultReleaseRefused,
    VaultTicketNotValid,
    VaultItemUnreadable,
    NoPasskey,
    PasskeyNotAccepted,
}

public static class ErrorCodes
{
    /// <summary>The code as it appears in problem details: <c>SmsDailyLimitReached</c> → <c>sms-daily-limit-reached</c>.</summary>
    public static string WireName(this ErrorCode code)
    {
        var name = code.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
