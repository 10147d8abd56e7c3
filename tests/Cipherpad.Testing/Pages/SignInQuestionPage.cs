using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Cipherpad.Testing.Pages;

/// <summary><c>/signin</c> with a login question: the question for the cipher pad and the answer form.</summary>
public sealed class SignInQuestionPage : HtmlPage
{
    internal SignInQuestionPage(HttpClient browser, string address, IHtmlDocument document)
        : base(browser, address, document)
    {
    }

    /// <summary>The question to type into the cipher pad.</summary>
    public string Question
    {
        get
        {
            var question = TextOf("#question");
            Assert.True(question is not null && Core.Answers.Question.PartCount(question) > 0, "the page shows a question");
            return question;
        }
    }

    public string ReturnUrl => Document.QuerySelector<IHtmlInputElement>("input[name=ReturnUrl]")?.Value ?? "";

    /// <summary>Types <paramref name="answer"/> and signs in; a success redirects to where the sign-in returns.</summary>
    public Task<HttpResponseMessage> AnswerAsync(string answer) =>
        SubmitAsync("Answer", new Dictionary<string, string> { ["Answer"] = answer });
}
