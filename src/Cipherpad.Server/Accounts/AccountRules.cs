using System.Net.Mail;
using System.Text;
using Cipherpad.Server.Localization;

namespace Cipherpad.Server.Accounts;

/// <summary>What a person may register with; each rule gives a message a person can act on.</summary>
public static class AccountRules
{
    /// <summary>The shortest security answer, in characters other than spaces.</summary>
    public const int MinSecurityAnswerLength = 6;

    /// <summary>The longest security answer, in UTF-16 code units after normalization.</summary>
    public const int MaxSecurityAnswerLength = 200;

    // Answers people give to any question, compared after normalization and with spaces removed. Not a dictionary
    // attack's list: the PBKDF2 hash, the per-source back-off and the mailed link do that work; these are only the
    // answers a guesser tries first.
    private static readonly HashSet<string> TrivialAnswers = new(StringComparer.Ordinal)
    {
        "1234", "12345", "123456", "1234567", "12345678", "123456789", "654321", "111111", "000000", "abc123", "abcdef",
        "password", "password1", "passwort", "qwerty", "qwertz", "azerty", "letmein", "iloveyou", "secret", "answer", "test", "yes", "no",
        "none", "nothing", "nobody", "unknown", "idontknow", "dontknow", "noidea", "notapplicable", "abcd", "asdf", "0000", "1111",
        "yellow", "purple", "orange", "violet", "silver", "golden", "maroon", "turquoise",
    };

    // Words that add nothing to the question's own: "my first concert" answers "First concert?" with its own words.
    private static readonly HashSet<string> FillerWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "my", "your", "is", "was", "it", "of", "in", "on", "at", "to", "for", "and", "or", "what", "which", "who", "where", "when", "how",
    };

    /// <summary>
    /// An address as accounts and aliases store it and as the activation transcript binds it (docs/protocol.md §6): the
    /// white space of §4 trimmed and the ASCII letters A–Z lowercased, nothing else, so that a cipher pad written from the
    /// protocol derives the same keys as the server. <c>Ärger@Example.COM</c> is <c>Ärger@example.com</c>. Addresses stored
    /// before this rule are still found (<see cref="StoredEmail"/>).
    /// </summary>
    public static string NormalizeEmail(string email) => Core.Activation.KeyAgreement.NormalizeEmail(email);

    public static Text? EmailProblem(string? email)
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

    /// <summary>Why <paramref name="name"/> cannot be the person's <paramref name="part"/> of their name, or null.</summary>
    public static Text? NameProblem(string? name, NamePart part)
    {
        var (missing, tooLong, field) = part switch
        {
            NamePart.First => ((Text)"Enter your first name.", (Text)"Your first name is longer than 100 characters.", (Text)"Your first name"),
            NamePart.Last => ("Enter your last name.", "Your last name is longer than 100 characters.", "Your last name"),
            _ => ("Enter your full name.", "Your full name is longer than 100 characters.", "Your full name"),
        };
        return string.IsNullOrWhiteSpace(name) ? missing
            : name.Trim().Length > 100 ? tooLong
            : Web.DisplayText.Problem(name, field);
    }

    public static Text? SecurityQuestionProblem(string? question) =>
        string.IsNullOrWhiteSpace(question) || question.Trim().Length < 5 ? "Write a security question of at least 5 characters."
        : question.Trim().Length > 200 ? "The security question is longer than 200 characters."
        : null;

    /// <summary>
    /// Rejects answers an attacker could guess: shorter than <see cref="MinSecurityAnswerLength"/> characters besides
    /// spaces ("blue"), on a short list of answers given to any question, one character repeated, made only of the
    /// question's own words ("Favourite colour?" — "favourite colour"), or the person's name, e-mail or phone. Each
    /// message names the security answer, so a page can show it at that field.
    /// </summary>
    public static Text? SecurityAnswerProblem(string? answer, string question, params string?[] personalDetails)
    {
        var normalized = Security.Hashing.NormalizeAnswer(answer ?? "");
        var compact = normalized.Replace(" ", "", StringComparison.Ordinal);
        if (normalized.Length > MaxSecurityAnswerLength)
        {
            return $"The security answer is longer than {MaxSecurityAnswerLength} characters.";
        }
        if (compact.Length > 0 && (TrivialAnswers.Contains(string.Concat(compact.Where(char.IsLetterOrDigit))) || compact.Distinct().Count() == 1))
        {
            return "That security answer is too easy to guess; choose one only you know.";
        }
        if (compact.Length < MinSecurityAnswerLength)
        {
            return $"The security answer must be at least {MinSecurityAnswerLength} characters, not counting spaces: a short answer such as a colour is among the first guesses. Several words only you would give work best.";
        }
        var words = Words(normalized);
        if (words.Count == 0)
        {
            return "The security answer must contain letters or digits.";
        }
        words.ExceptWith(FillerWords);
        if (Words(Security.Hashing.NormalizeAnswer(question)).IsSupersetOf(words))
        {
            return "The security answer must not repeat the question's words; answer it with something only you know.";
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

    private static HashSet<string> Words(string normalized)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var word = new StringBuilder();
        foreach (var c in normalized + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        return words;
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
}

/// <summary>Which name a person gives: at registration their first and last, to support their full name.</summary>
public enum NamePart
{
    First,
    Last,
    Full,
}
