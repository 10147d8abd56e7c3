using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cipherpad.Core.Payments;

/// <summary>What is wrong with a payee, amount or currency.</summary>
public enum PaymentErrorCode
{
    /// <summary>The payee is empty, longer than 64 characters, or holds a space or a non-ASCII character.</summary>
    Payee,
    /// <summary>The amount is not written as digits with an optional '.' and fraction.</summary>
    AmountFormat,
    /// <summary>The amount has more fraction digits than the currency's minor unit.</summary>
    AmountPrecision,
    /// <summary>The amount is zero.</summary>
    AmountZero,
    /// <summary>The amount is too large (more than 18 digits in minor units).</summary>
    AmountTooLarge,
    /// <summary>The currency is not three ASCII letters.</summary>
    Currency,
}

/// <summary>A precise description of a malformed payment detail.</summary>
public sealed record PaymentError(PaymentErrorCode Code, string Message);

/// <summary>
/// The payee, amount and currency a payment answer is bound to, with their canonical encoding:
/// <c>CP1-PAY:{currency}:{amount in minor units}:{payee}</c>. "12.5 USD" and "12.50 USD" are the same payment.
/// </summary>
public sealed class PaymentDetails : IEquatable<PaymentDetails>
{
    /// <summary>The longest payee, in characters.</summary>
    public const int MaxPayeeLength = 64;

    private const long MaxMinorUnits = 999_999_999_999_999_999;

    private readonly byte[] _sessionData;

    private PaymentDetails(string payee, long minorUnits, Currency currency)
    {
        Payee = payee;
        MinorUnits = minorUnits;
        Currency = currency;
        CanonicalText = string.Create(CultureInfo.InvariantCulture, $"CP1-PAY:{Currency.Code}:{MinorUnits}:{Payee}");
        _sessionData = SHA512.HashData(Encoding.ASCII.GetBytes(CanonicalText));
    }

    /// <summary>Who is paid: 1–64 printable ASCII characters without spaces, compared exactly.</summary>
    public string Payee { get; }

    /// <summary>The amount in the currency's minor units (cents for USD).</summary>
    public long MinorUnits { get; }

    /// <summary>The currency.</summary>
    public Currency Currency { get; }

    /// <summary>The amount as a decimal with exactly the currency's minor-unit digits, such as 12.50.</summary>
    public string Amount => Currency.FormatMinorUnits(MinorUnits);

    /// <summary>The canonical text the answer is bound to, for example <c>CP1-PAY:USD:1250:123456789012</c>.</summary>
    public string CanonicalText { get; }

    /// <summary>The OCRA S input: SHA-512 of the ASCII canonical text, exactly 64 bytes.</summary>
    public ReadOnlySpan<byte> SessionData => _sessionData;

    /// <inheritdoc />
    public bool Equals(PaymentDetails? other) => other is not null && string.Equals(CanonicalText, other.CanonicalText, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PaymentDetails);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(CanonicalText);

    /// <summary>"12.50 USD to 123456789012".</summary>
    public override string ToString() => $"{Amount} {Currency.Code} to {Payee}";

    /// <summary>Parses the details; <paramref name="error"/> names what is wrong when it returns false.</summary>
    /// <param name="payee">Who is paid; surrounding spaces are ignored.</param>
    /// <param name="amount">Digits with an optional '.' and fraction, such as 12.5 or 12.50; surrounding spaces are ignored.</param>
    /// <param name="currencyCode">Three letters, any case.</param>
    /// <param name="details">The parsed details.</param>
    /// <param name="error">What is wrong.</param>
    public static bool TryCreate(string? payee, string? amount, string? currencyCode,
        [NotNullWhen(true)] out PaymentDetails? details, [NotNullWhen(false)] out PaymentError? error)
    {
        details = null;
        var trimmedPayee = payee?.Trim() ?? "";
        if (trimmedPayee.Length is 0 or > MaxPayeeLength || !trimmedPayee.All(c => c is > ' ' and <= '~'))
        {
            error = new(PaymentErrorCode.Payee,
                $"The payee '{trimmedPayee}' is not allowed: use 1 to {MaxPayeeLength} printable ASCII characters without spaces.");
            return false;
        }
        var currency = Currency.FromCode(currencyCode);
        if (currency is null)
        {
            error = new(PaymentErrorCode.Currency, $"The currency '{currencyCode}' is not allowed: use a three-letter code such as USD.");
            return false;
        }
        error = ParseAmount(amount?.Trim() ?? "", currency, out var minorUnits);
        if (error is not null)
        {
            return false;
        }
        details = new PaymentDetails(trimmedPayee, minorUnits, currency);
        return true;
    }

    /// <summary>Parses the details, throwing <see cref="FormatException"/> with the precise message.</summary>
    public static PaymentDetails Create(string payee, string amount, string currencyCode) =>
        TryCreate(payee, amount, currencyCode, out var details, out var error) ? details : throw new FormatException(error.Message);

    private static PaymentError? ParseAmount(string text, Currency currency, out long minorUnits)
    {
        minorUnits = 0;
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];
        if (whole.Length == 0 || !whole.All(char.IsAsciiDigit) || (point >= 0 && (fraction.Length == 0 || !fraction.All(char.IsAsciiDigit))))
        {
            return new(PaymentErrorCode.AmountFormat,
                $"The amount '{text}' is not allowed: write digits with an optional '.' and fraction, such as 12.50 (no sign, no grouping).");
        }
        var significantFraction = fraction.TrimEnd('0');
        if (significantFraction.Length > currency.MinorUnitDigits)
        {
            return new(PaymentErrorCode.AmountPrecision,
                $"The amount '{text}' has more than {currency.MinorUnitDigits} decimal place(s), the minor unit of {currency.Code}.");
        }
        var minorText = whole.TrimStart('0') + significantFraction.PadRight(currency.MinorUnitDigits, '0');
        minorText = minorText.TrimStart('0');
        if (minorText.Length == 0)
        {
            return new(PaymentErrorCode.AmountZero, "The amount is zero; a payment must be of a positive amount.");
        }
        if (minorText.Length > 18)
        {
            return new(PaymentErrorCode.AmountTooLarge, $"The amount '{text}' is too large.");
        }
        minorUnits = long.Parse(minorText, NumberStyles.None, CultureInfo.InvariantCulture);
        return minorUnits > MaxMinorUnits ? new(PaymentErrorCode.AmountTooLarge, $"The amount '{text}' is too large.") : null;
    }
}
