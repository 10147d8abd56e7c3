using System.Collections.Concurrent;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Which account each address was last found to belong to when a relying party asked for it, on this node: a guess, never
/// an answer. It lets a relying party's lookup send what its caller will read of the account in the lookup's own command
/// (<see cref="AccountDirectory.FindReadingAheadAsync"/>); reads made for a wrong guess are keyed by the wrong account and
/// never answer for the right one. Each relying party has its own memory, so how long a create takes tells it only what it
/// asked itself, not who else looked the address up. Holds at most <see cref="Capacity"/> addresses, and starts afresh when full.
/// </summary>
public sealed class LastFoundAccounts
{
    public const int Capacity = 65_536;

    private readonly ConcurrentDictionary<(Guid AskedBy, string Address), Guid> _accounts = new();
    private int _added;

    /// <summary>
    /// The account <paramref name="address"/> (in its stored form) was last found to belong to when <paramref name="askedBy"/>
    /// looked it up, if that is still remembered.
    /// </summary>
    public Guid? Guess(Guid askedBy, string address) => _accounts.TryGetValue((askedBy, address), out var account) ? account : null;

    public void Found(Guid askedBy, string address, Guid account)
    {
        if (_accounts.TryGetValue((askedBy, address), out var known) && known == account)
        {
            return;
        }
        if (Interlocked.Increment(ref _added) > Capacity)
        {
            _accounts.Clear();
            Interlocked.Exchange(ref _added, 1);
        }
        _accounts[(askedBy, address)] = account;
    }

    public void NotFound(Guid askedBy, string address) => _accounts.TryRemove((askedBy, address), out _);

    /// <summary>How many addresses are remembered now.</summary>
    internal int Count => _accounts.Count;
}
