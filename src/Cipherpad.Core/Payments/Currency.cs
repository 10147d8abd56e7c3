namespace Cipherpad.Core.Payments;

/// <summary>
/// A currency code and the number of digits of its minor unit. The rule is closed so every client agrees:
/// ISO 4217's zero-, three- and four-decimal currencies are listed; every other three-letter code
/// (USD, EUR, and title units such as WMZ or WMR) has two.
/// </summary>
public sealed record Currency
{
    private static readonly HashSet<string> NoMinorUnit =
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];

    private static readonly HashSet<string> ThreeDecimals = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    private static readonly HashSet<string> FourDecimals = ["CLF", "UYW"];

    private Currency(string code, int minorUnitDigits)
    {
        Code = code;
        MinorUnitDigits = minorUnitDigits;
    }

    /// <summary>Three uppercase ASCII letters.</summary>
    public string Code { get; }

    /// <summary>Digits after the decimal point: 0, 2, 3 or 4.</summary>
    public int MinorUnitDigits { get; }

    /// <summary>The currency for <paramref name="code"/> (three ASCII letters, any case), or null if it is not one.</summary>
    public static Currency? FromCode(string? code)
    {
        var trimmed = code?.Trim();
        if (trimmed is not { Length: 3 } || !trimmed.All(char.IsAsciiLetter))
        {
            return null;
        }
        var upper = trimmed.ToUpperInvariant();
        var digits = NoMinorUnit.Contains(upper) ? 0 : ThreeDecimals.Contains(upper) ? 3 : FourDecimals.Contains(upper) ? 4 : 2;
        return new Currency(upper, digits);
    }

    /// <summary>An amount in minor units written with exactly <see cref="MinorUnitDigits"/> decimals: 1250 USD is "12.50".</summary>
    public string FormatMinorUnits(long minorUnits)
    {
        if (MinorUnitDigits == 0)
        {
            return minorUnits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        long divisor = 1;
        for (var i = 0; i < MinorUnitDigits; i++)
        {
            divisor *= 10;
        }
        var fraction = (Math.Abs(minorUnits) % divisor).ToString(new string('0', MinorUnitDigits), System.Globalization.CultureInfo.InvariantCulture);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{minorUnits / divisor}.{fraction}");
    }

    /// <inheritdoc />
    public override string ToString() => Code;
}
