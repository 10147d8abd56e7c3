using System.Globalization;
using Cipherpad.Server.Localization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Cipherpad.Server.Tests.Localization;

public sealed class TextTests
{
    private static IStringLocalizer<Texts> Localizer() =>
        new ServiceCollection().AddLogging().AddLocalization().BuildServiceProvider().GetRequiredService<IStringLocalizer<Texts>>();

    [Fact]
    public void An_interpolated_text_keeps_its_english_format_and_its_arguments()
    {
        var attempts = 2;
        Text text = $"Wrong answer. {attempts} attempt(s) left.";

        Assert.Equal("Wrong answer. {0} attempt(s) left.", text.Format);
        Assert.Equal([2], text.Arguments);
        Assert.Equal("Wrong answer. 2 attempt(s) left.", text.ToString());
    }

    [Fact]
    public void Braces_in_the_literal_part_or_a_fixed_text_are_kept_as_written()
    {
        var name = "{0}";
        Text interpolated = $"Send {{json}} for {name}";
        Text fixedText = "Send {json}";

        Assert.Equal("Send {json} for {0}", interpolated.ToString());
        Assert.Equal("Send {json}", fixedText.ToString());
        Assert.Equal("Send {{json}}", fixedText.Format);
    }

    [Fact]
    public void A_format_specifier_goes_into_the_format()
    {
        var at = new DateTimeOffset(2026, 12, 5, 8, 44, 28, TimeSpan.Zero);
        Text text = $"When: {at:u}";

        Assert.Equal("When: {0:u}", text.Format);
        Assert.Equal("When: 2026-12-05 08:44:28Z", text.ToString());
    }

    [Fact]
    public void A_text_is_shown_in_russian_from_the_resources_with_its_arguments_and_nested_texts_translated()
    {
        var localizer = Localizer();
        Text wrong = $"Wrong answer. {3} attempt(s) left.";
        Text nested = $"{(Text)"Your first name"} contains characters that cannot be shown.";

        using (Languages.Use("ru"))
        {
            Assert.Equal("Неверный ответ. Осталось попыток: 3.", wrong.In(localizer));
            Assert.Equal("Имя: есть символы, которые нельзя показать.", nested.In(localizer));
        }
        Assert.Equal("Wrong answer. 3 attempt(s) left.", wrong.In(localizer));
    }

    [Fact]
    public void A_text_without_a_translation_is_shown_in_english_and_a_verbatim_one_as_it_is()
    {
        var localizer = Localizer();
        Text untranslated = $"No such sentence {1}";

        using (Languages.Use("ru"))
        {
            Assert.Equal("No such sentence 1", untranslated.In(localizer));
            Assert.Equal("Sign in", Text.Verbatim("Sign in").In(localizer));
        }
    }

    [Fact]
    public void The_translator_writes_in_the_recipients_language_and_leaves_the_current_one_as_it_was()
    {
        var translator = new Translator(Localizer());
        var before = CultureInfo.CurrentUICulture;

        var body = translator.Lines("ru", $"Hello {"Anna"},", "", null, "You logged in.");

        Assert.Equal("Здравствуйте, Anna!\n\nВы вошли.", body);
        Assert.Equal("You logged in.", translator.In(null, "You logged in."));
        Assert.Equal(before, CultureInfo.CurrentUICulture);
    }
}
