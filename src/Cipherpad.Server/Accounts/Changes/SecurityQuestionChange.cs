using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Accounts.Changes;

/// <summary>A new security question; only the answer's slow hash is ever stored, here as in the account.</summary>
public sealed record SecurityQuestionChange(string Question, string AnswerHash) : AccountChange;

public sealed class SecurityQuestionHandler(CipherpadDbContext db) : AccountChangeHandler<SecurityQuestionChange>
{
    protected override Task ApplyAsync(Guid accountId, SecurityQuestionChange change, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(a => a
            .SetProperty(x => x.SecurityQuestion, change.Question)
            .SetProperty(x => x.SecurityAnswerHash, change.AnswerHash), cancellationToken);
}
