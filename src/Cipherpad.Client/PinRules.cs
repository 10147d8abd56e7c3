namespace Cipherpad.Client;

/// <summary>
/// What a new PIN must be. Whoever copies the pad's file can guess PINs offline at PBKDF2's pace, and whoever holds the
/// device tries the PINs people pick first; so a PIN is at least 6 characters and is none of those first guesses: one
/// character or a short group repeated (111111, 121212, 123123) or a run of consecutive digits or letters (123456,
/// 987654, 890123, abcdef). Pads whose PIN was set before these rules still open with it.
/// </summary>
public static class PinRules
{
    public const int MinLength = 6;
    public const int MaxLength = 64;

    /// <summary>A sentence saying what is wrong with <paramref name="pin"/>, or null when it may be used.</summary>
    public static string? Problem(string pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        if (pin.Length is < MinLength or > MaxLength)
        {
            return $"A PIN needs at least {MinLength} characters (at most {MaxLength}); a longer one or a password is better.";
        }
        if (RepeatsAShortGroup(pin))
        {
            return "A PIN must not repeat one character or a group of two or three (111111, 121212, 123123): those are guessed first.";
        }
        if (IsConsecutive(pin))
        {
            return "A PIN must not be a run of consecutive digits or letters (123456, 987654, abcdef): those are guessed first.";
        }
        return null;
    }

    private static bool RepeatsAShortGroup(string pin)
    {
        for (var period = 1; period <= 3; period++)
        {
            var repeats = true;
            for (var i = period; i < pin.Length && repeats; i++)
            {
                repeats = pin[i] == pin[i - period];
            }
            if (repeats)
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsConsecutive(string pin)
    {
        if (pin.All(char.IsAsciiDigit))
        {
            // Digits run on past 9 to 0 (890123), as people count on a keypad.
            return SameStep(pin, (a, b) => (b - a + 10) % 10, 1, 9);
        }
        var lower = pin.ToLowerInvariant();
        return lower.All(char.IsAsciiLetterLower) && SameStep(lower, (a, b) => b - a, 1, -1);
    }

    private static bool SameStep(string text, Func<char, char, int> step, params int[] runs)
    {
        var first = step(text[0], text[1]);
        if (!runs.Contains(first))
        {
            return false;
        }
        for (var i = 2; i < text.Length; i++)
        {
            if (step(text[i - 1], text[i]) != first)
            {
                return false;
            }
        }
        return true;
    }
}
