namespace Cipherpad.Server.Localization;

/// <summary>
/// Every text a person reads — pages, the errors they show, e-mails, SMS — keyed by its English
/// (<see cref="Text.Format"/>): English needs no resource, and <c>Texts.ru.resx</c> holds the Russian. A text missing from
/// a language is shown in English.
/// </summary>
public sealed class Texts;
