using Cipherpad.Server.AnswerMethods;
using Cipherpad.Server.Storage;

namespace Cipherpad.Server.Accounts.Changes;

/// <summary>Exactly these answer methods on, every other off.</summary>
public sealed record MethodsChange(IReadOnlyList<string> Methods) : AccountChange;

public sealed class MethodsHandler(CipherpadDbContext db, AccountMethods methods) : AccountChangeHandler<MethodsChange>
{
    protected override async Task ApplyAsync(Guid accountId, MethodsChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await methods.SetAsync(accountId, methods.Known(change.Methods), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}
