using Cipherpad.Server.Accounts;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cipherpad.Server.Pages;

[Web.EvenlyTimedForm]
public sealed class SupportModel(SupportRequests support, Accounts.HumanCheck humanCheck) : PageModel
{
    [BindProperty] public string? AccountEmail { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Contact { get; set; }
    [BindProperty] public string? Lost { get; set; }
    [BindProperty] public string? Message { get; set; }

    /// <summary>The browser's answer to the human check, as JSON (see wwwroot/js/human-check.js).</summary>
    [BindProperty] public string? HumanCheck { get; set; }

    public HumanCheckChallenge HumanCheckChallenge { get; private set; } = null!;
    public List<Text> Problems { get; } = [];
    public string? Submitted { get; private set; }

    public void OnGet() => HumanCheckChallenge = humanCheck.Create();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var human = humanCheck.Check(HumanCheck);
        if (human.Error is { } humanProblem)
        {
            Problems.Add(humanProblem.Description);
        }
        if (AccountRules.EmailProblem(AccountEmail) is { } emailProblem)
        {
            Problems.Add(emailProblem);
        }
        if (AccountRules.NameProblem(Name, NamePart.Full) is { } nameProblem)
        {
            Problems.Add(nameProblem);
        }
        if (string.IsNullOrWhiteSpace(Contact) || Contact.Length > 254)
        {
            Problems.Add("Tell us how to reach you.");
        }
        else if (Web.DisplayText.Problem(Contact, "How to reach you") is { } contactProblem)
        {
            Problems.Add(contactProblem);
        }
        if (Lost is not ("email" or "phone" or "both"))
        {
            Problems.Add("Say what you lost.");
        }
        if ((Message?.Length ?? 0) > 2000)
        {
            Problems.Add("The message is longer than 2000 characters.");
        }
        else if (Message is not null && Web.DisplayText.Problem(Message, "The message", multiLine: true) is { } messageProblem)
        {
            Problems.Add(messageProblem);
        }
        if (Problems.Count == 0 && await humanCheck.SpendAsync(human.Value, cancellationToken) is { } spent)
        {
            Problems.Add(spent.Description);
        }
        if (Problems.Count > 0)
        {
            OnGet();
            return Page();
        }
        var request = await support.SubmitAsync(AccountEmail!, Name!, Contact!, Lost!, Message ?? "", ClientAddress.Of(HttpContext), cancellationToken);
        Submitted = request.Id.ToString()[..8];
        return Page();
    }
}
