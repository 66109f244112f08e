namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Holds the Gates of several users (a message's sender and recipients) for one operation. They are taken in
/// ascending user id, the one order every caller uses, so two operations on overlapping users cannot deadlock.
/// </summary>
internal sealed class UserLocks : IDisposable
{
    private readonly WorldUser[] _users;

    public UserLocks(IEnumerable<WorldUser> users)
    {
        _users = users.DistinctBy(u => u.Id).OrderBy(u => u.Id).ToArray();
        foreach (var user in _users)
        {
            user.Gate.Enter();
        }
    }

    public void Dispose()
    {
        for (var i = _users.Length - 1; i >= 0; i--)
        {
            _users[i].Gate.Exit();
        }
    }
}
