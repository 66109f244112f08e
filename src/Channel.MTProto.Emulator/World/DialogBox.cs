namespace Channel.MTProto.Emulator.World;

/// <summary>
/// One dialog of a user's box (a private chat or a basic group): its messages in ascending id and the ids of the
/// incoming ones. The index behind dialogs, history, reads and unread counts, so each costs the dialog's size (or a
/// binary search in it), never a scan of the whole box. Rebuilt from <see cref="WorldUser.Messages"/> after a load.
/// </summary>
internal sealed class DialogBox
{
    /// <summary>Ascending id; every copy is also in <see cref="WorldUser.Messages"/>.</summary>
    public List<BoxMessage> Messages { get; } = [];

    /// <summary>The ids of the incoming messages, ascending.</summary>
    public List<int> IncomingIds { get; } = [];

    public void Add(BoxMessage message)
    {
        Messages.Add(message);
        if (!message.Out)
        {
            IncomingIds.Add(message.Id);
        }
    }

    public void Remove(HashSet<BoxMessage> removed)
    {
        Messages.RemoveAll(removed.Contains);
        IncomingIds.Clear();
        foreach (var message in Messages)
        {
            if (!message.Out)
            {
                IncomingIds.Add(message.Id);
            }
        }
    }

    /// <summary>Incoming messages with an id above <paramref name="readMaxId"/>.</summary>
    public int UnreadAfter(int readMaxId) => IncomingIds.Count - CountAtMost(IncomingIds, readMaxId);

    /// <summary>The index of the first message with an id at or above <paramref name="id"/> (Count if none).</summary>
    public int FirstAtOrAbove(int id)
    {
        int low = 0, high = Messages.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (Messages[middle].Id < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Basic groups: the copy with this chat-wide number (ChatSeq ascends with the id within a group).</summary>
    public BoxMessage? FindByChatSeq(int chatSeq) => Search(Messages, chatSeq, static m => m.ChatSeq);

    /// <summary>A binary search in <paramref name="messages"/>, which ascend by <paramref name="keyOf"/>.</summary>
    public static BoxMessage? Search(List<BoxMessage> messages, int key, Func<BoxMessage, int> keyOf)
    {
        int low = 0, high = messages.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var current = keyOf(messages[middle]);
            if (current == key)
            {
                return messages[middle];
            }

            if (current < key)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    private static int CountAtMost(List<int> ids, int value)
    {
        int low = 0, high = ids.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (ids[middle] <= value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
