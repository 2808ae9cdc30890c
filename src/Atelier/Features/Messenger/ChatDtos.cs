namespace Atelier.Features.Messenger;

/// <summary>Presence as clients see it: <c>status</c> is "online", "away" or "offline".</summary>
public sealed record PresenceDto(string Status, DateTime? LastSeenAt);

public sealed record MemberDto(Guid UserId, string DisplayName, string Role, long ReadUpToSeq, PresenceDto Presence);

public sealed record ReplyQuoteDto(Guid Id, long Seq, string SenderName, string Text, bool Deleted);

public sealed record AttachmentDto(
    Guid Id, string Kind, string FileName, string ContentType, long Size, string Url, string? ThumbnailUrl, string? PosterUrl,
    string? WaveformUrl, int? Width, int? Height, double? DurationSeconds);

public sealed record ReactionDto(string Emoji, int Count, IReadOnlyList<Guid> UserIds);

public sealed record MessageDto(
    Guid Id, Guid ConversationId, long Seq, Guid SenderId, string SenderName, string ClientMessageId, string Text,
    IReadOnlyList<Guid> Mentions, ReplyQuoteDto? ReplyTo, IReadOnlyList<AttachmentDto> Attachments,
    IReadOnlyList<ReactionDto> Reactions, DateTime CreatedAt, DateTime? EditedAt, bool Deleted);

public sealed record ConversationDto(
    Guid Id, string Kind, string Title, string? Name, string? Description, long LastSeq, long ReadUpToSeq, int Unread,
    string MyRole, MessageDto? LastMessage, IReadOnlyList<MemberDto> Members, DateTime CreatedAt, DateTime LastActivityAt);

public sealed record ReactionsChangedDto(Guid ConversationId, Guid MessageId, IReadOnlyList<ReactionDto> Reactions);

public sealed record TypingDto(Guid ConversationId, Guid UserId, string DisplayName, DateTime ExpiresAt);

public sealed record ReadUpToDto(Guid ConversationId, Guid UserId, long Seq);

public sealed record PresenceChangedDto(Guid UserId, string Status, DateTime? LastSeenAt);

public sealed record ConversationChangedDto(Guid ConversationId);

public sealed record MessagesPage(IReadOnlyList<MessageDto> Items, bool HasMore);

public sealed record UserHitDto(Guid Id, string DisplayName, PresenceDto Presence);

/// <summary>What goes wrong in a messenger call; the hub and the REST API each turn it into their kind of error.</summary>
public sealed record ChatError(int Status, string Message, string? Field = null, TimeSpan? RetryAfter = null)
{
    public static ChatError NotFound(string what = "Conversation") => new(404, $"{what} not found.");

    public static ChatError Forbidden(string message) => new(403, message);

    public static ChatError Invalid(string field, string message) => new(400, message, field);
}

/// <summary>A result or the error that stopped it.</summary>
public readonly record struct ChatResult<T>(T? Value, ChatError? Error)
{
    public static implicit operator ChatResult<T>(T value) => new(value, null);

    public static implicit operator ChatResult<T>(ChatError error) => new(default, error);
}
