using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace Cipherpad.Server.Accounts;

/// <summary>What a person may register with; each rule gives a message a person can act on.</summary>
public static class AccountRules
{
    private static readonly HashSet<string> TrivialAnswers = new(StringComparer.Ordinal)
    {
        "1234", "12345", "123456", "password", "qwerty", "answer", "secret", "test", "yes", "no", "none", "nothing", "abcd", "asdf", "0000", "1111",
    };

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static string? EmailProblem(string? email)
    {
        var trimmed = email?.Trim() ?? "";
        if (trimmed.Length is 0 or > 254)
        {
            return "Enter your e-mail address.";
        }
        if (!MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed || !trimmed.Contains('.', StringComparison.Ordinal))
        {
            return $"'{trimmed}' is not an e-mail address such as ann@example.com.";
        }
        return null;
    }

    /// <summary>The phone in E.164 (+ and 8–15 digits); spaces, dashes, dots and brackets are ignored.</summary>
    public static string? NormalizePhone(string? phone)
    {
        if (phone is null)
        {
            return null;
        }
        var digits = new StringBuilder();
        var trimmed = phone.Trim();
        if (!trimmed.StartsWith('+'))
        {
            return null;
        }
        foreach (var c in trimmed[1..])
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                return null;
            }
        }
        return digits.Length is >= 8 and <= 15 && digits[0] != '0' ? "+" + digits : null;
    }

    public static string? NameProblem(string? name, string label) =>
        string.IsNullOrWhiteSpace(name) ? $"Enter your {label}."
        : name.Trim().Length > 100 ? $"Your {label} is longer than 100 characters."
        : Web.DisplayText.Problem(name, $"Your {label}");

    public static string? SecurityQuestionProblem(string? question) =>
        string.IsNullOrWhiteSpace(question) || question.Trim().Length < 5 ? "Write a security question of at least 5 characters."
        : question.Trim().Length > 200 ? "The security question is longer than 200 characters."
        : null;

    /// <summary>Rejects answers an attacker could guess from the account or from a short list.</summary>
    public static string? SecurityAnswerProblem(string? answer, string question, params string?[] personalDetails)
    {
        var normalized = Security.Hashing.NormalizeAnswer(answer ?? "");
        if (normalized.Length < 4)
        {
            return "The security answer must be at least 4 characters.";
        }
        if (normalized.Length > 200)
        {
            return "The security answer is longer than 200 characters.";
        }
        if (TrivialAnswers.Contains(normalized) || normalized.Distinct().Count() == 1)
        {
            return "That security answer is too easy to guess; choose one only you know.";
        }
        if (normalized == Security.Hashing.NormalizeAnswer(question))
        {
            return "The security answer must not repeat the question.";
        }
        foreach (var detail in personalDetails)
        {
            var part = Security.Hashing.NormalizeAnswer(detail ?? "");
            if (part.Length >= 3 && (normalized == part || normalized.Contains(part, StringComparison.Ordinal) && part.Length * 2 >= normalized.Length))
            {
                return "The security answer must not be your name, e-mail or phone number.";
            }
        }
        return null;
    }

    /// <summary>
    /// A phone as pages, the log and the server's own logs show it: the + and the start of the country code, and the
    /// last four digits (+49••••••4567), so its owner recognises it and a reader learns little.
    /// </summary>
    public static string MaskPhone(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        if (phone.Length <= 4)
        {
            return phone;
        }
        var start = Math.Min(3, phone.Length - 4);
        return string.Concat(phone.AsSpan(0, start), new string('•', phone.Length - start - 4), phone.AsSpan(phone.Length - 4));
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
