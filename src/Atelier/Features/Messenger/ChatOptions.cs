namespace Atelier.Features.Messenger;

/// <summary><c>Atelier:Chat</c>: the messenger's limits that an operator may change.</summary>
public sealed class ChatOptions
{
    /// <summary>Messages one user may send in any 10 seconds, over the hub and the REST API together.</summary>
    public int SendsPer10Seconds { get; set; } = 30;
}

/// <summary>The messenger's fixed limits (docs/chat.md).</summary>
public static class ChatLimits
{
    public const int MaxText = 8000;
    public const int MaxClientMessageId = 64;
    public const int MaxAttachments = 10;
    public const int MaxMembers = 200;
    public const int MaxName = 100;
    public const int MaxDescription = 1000;
    public const int MaxEmoji = 32;
    public const int ReplyQuoteLength = 200;

    /// <summary>How long a typing indicator lasts without a new Typing call.</summary>
    public static readonly TimeSpan TypingLifetime = TimeSpan.FromSeconds(5);

    /// <summary>Typing calls of one user in one conversation are forwarded at most this often.</summary>
    public static readonly TimeSpan TypingThrottle = TimeSpan.FromSeconds(1);
}
