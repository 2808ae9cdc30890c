using Microsoft.EntityFrameworkCore;
using Atelier.Features.Media;
using Atelier.Platform.Data;

namespace Atelier.Features.Messenger;

/// <summary>
/// Reads conversations and messages as clients see them. Each method asks the database a fixed number of questions,
/// whatever the number of rows (no query per message or per member).
/// </summary>
internal static class ChatQueries
{
    /// <summary>A connection whose instance has not refreshed it for this long no longer counts (the instance died).</summary>
    public static readonly TimeSpan ConnectionStale = TimeSpan.FromSeconds(90);

    public static IQueryable<Conversation> Mine(AppDb db, Guid me) =>
        db.Conversations.Where(c => db.ChatMembers.Any(m => m.ConversationId == c.Id && m.UserId == me));

    public static async Task<Dictionary<Guid, PresenceDto>> PresenceAsync(AppDb db, IReadOnlyCollection<Guid> userIds, DateTime now, CancellationToken ct)
    {
        var result = new Dictionary<Guid, PresenceDto>();
        if (userIds.Count == 0)
        {
            return result;
        }
        var ids = userIds.Distinct().ToList();
        var cutoff = now - ConnectionStale;
        var live = await db.ChatConnections.AsNoTracking().Where(c => ids.Contains(c.UserId) && c.SeenAt > cutoff)
            .GroupBy(c => c.UserId).Select(g => new { UserId = g.Key, Active = g.Count(c => !c.Away) })
            .ToDictionaryAsync(x => x.UserId, x => x.Active, ct);
        var seen = await db.ChatPresence.AsNoTracking().Where(p => ids.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, p => p.LastSeenAt, ct);
        foreach (var id in ids)
        {
            var status = live.TryGetValue(id, out var active) ? active > 0 ? "online" : "away" : "offline";
            result[id] = new PresenceDto(status, seen.TryGetValue(id, out var at) ? at : null);
        }
        return result;
    }

    public static async Task<PresenceDto> PresenceAsync(AppDb db, Guid userId, DateTime now, CancellationToken ct) =>
        (await PresenceAsync(db, [userId], now, ct))[userId];

    /// <summary>The people who share at least one conversation with <paramref name="userId"/>, themselves included.</summary>
    public static Task<List<Guid>> ContactsAsync(AppDb db, Guid userId, CancellationToken ct) =>
        db.ChatMembers.AsNoTracking()
            .Where(m => db.ChatMembers.Any(mine => mine.UserId == userId && mine.ConversationId == m.ConversationId))
            .Select(m => m.UserId).Distinct().ToListAsync(ct);

    public static Task<List<Guid>> MemberIdsAsync(AppDb db, Guid conversationId, CancellationToken ct) =>
        db.ChatMembers.AsNoTracking().Where(m => m.ConversationId == conversationId).Select(m => m.UserId).ToListAsync(ct);

    public static async Task<MessageDto?> MessageAsync(AppDb db, Guid id, CancellationToken ct) =>
        await db.ChatMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct) is { } message
            ? (await MessagesAsync(db, [message], ct))[0]
            : null;

    public static async Task<List<MessageDto>> MessagesAsync(AppDb db, IReadOnlyList<ChatMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        var ids = messages.Select(m => m.Id).ToList();
        var replyIds = messages.Where(m => m.ReplyToId is not null && m.DeletedAt is null).Select(m => m.ReplyToId!.Value).Distinct().ToList();
        var replies = replyIds.Count == 0
            ? []
            : await db.ChatMessages.AsNoTracking().Where(m => replyIds.Contains(m.Id)).ToListAsync(ct);
        var senderIds = messages.Select(m => m.SenderId).Concat(replies.Select(r => r.SenderId)).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => senderIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var attachments = (await db.ChatAttachments.AsNoTracking().Where(a => ids.Contains(a.MessageId)).ToListAsync(ct))
            .OrderBy(a => a.Position).ToLookup(a => a.MessageId);
        var media = await MediaAsync(db, [.. attachments.SelectMany(g => g).Select(a => a.MediaId).Distinct()], ct);
        var reactions = (await db.ChatReactions.AsNoTracking().Where(r => ids.Contains(r.MessageId)).ToListAsync(ct)).ToLookup(r => r.MessageId);
        var byId = replies.ToDictionary(r => r.Id);
        return [.. messages.Select(m => ToDto(
            m, names.GetValueOrDefault(m.SenderId, "Someone"),
            m.ReplyToId is { } r && byId.TryGetValue(r, out var reply) ? Quote(reply, names.GetValueOrDefault(reply.SenderId, "Someone")) : null,
            [.. attachments[m.Id].Where(a => media.ContainsKey(a.MediaId)).Select(a => media[a.MediaId])],
            Reactions(reactions[m.Id])))];
    }

    public static MessageDto ToDto(
        ChatMessage m, string senderName, ReplyQuoteDto? reply, IReadOnlyList<AttachmentDto> attachments, IReadOnlyList<ReactionDto> reactions)
    {
        var deleted = m.DeletedAt is not null;
        return new MessageDto(
            m.Id, m.ConversationId, m.Seq, m.SenderId, senderName, m.ClientMessageId, deleted ? "" : m.Text,
            deleted ? [] : ParseIds(m.Mentions), deleted ? null : reply, deleted ? [] : attachments, deleted ? [] : reactions,
            m.CreatedAt, m.EditedAt, deleted);
    }

    public static ReplyQuoteDto Quote(ChatMessage original, string senderName) => new(
        original.Id, original.Seq, senderName,
        original.DeletedAt is null ? Shorten(original.Text, ChatLimits.ReplyQuoteLength) : "", original.DeletedAt is not null);

    public static IReadOnlyList<ReactionDto> Reactions(IEnumerable<ChatReaction> reactions) =>
        [.. reactions.OrderBy(r => r.CreatedAt).GroupBy(r => r.Emoji, StringComparer.Ordinal)
            .Select(g => new ReactionDto(g.Key, g.Count(), [.. g.Select(r => r.UserId)]))];

    public static async Task<IReadOnlyList<ReactionDto>> ReactionsAsync(AppDb db, Guid messageId, CancellationToken ct) =>
        Reactions(await db.ChatReactions.AsNoTracking().Where(r => r.MessageId == messageId).ToListAsync(ct));

    /// <summary>Media items as attachments, by id.</summary>
    public static async Task<Dictionary<Guid, AttachmentDto>> MediaAsync(AppDb db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var items = await db.Media.AsNoTracking().Include(m => m.Files).Where(m => ids.Contains(m.Id)).AsSplitQuery().ToListAsync(ct);
        return items.ToDictionary(m => m.Id, Attachment);
    }

    public static AttachmentDto Attachment(MediaItem item)
    {
        string? FileOf(string role) => item.Files.FirstOrDefault(f => f.Role == role) is { } f ? MediaUrls.Of(item.Id, f) : null;
        // A picture about as wide as a chat bubble, else the media library's smallest thumbnail.
        var picture = item.Files.Where(f => f.Role == "image" && f.ContentType == "image/webp" && f.Width >= 640).OrderBy(f => f.Width).FirstOrDefault();
        return new AttachmentDto(
            item.Id, item.Kind.ToString().ToLowerInvariant(), item.FileName, item.ContentType, item.Size,
            MediaUrls.Of(item.Id, item.FileName, item.Sha256),
            picture is not null ? MediaUrls.Of(item.Id, picture) : MediaUrls.Thumbnail(item.Id, item.Files),
            FileOf("poster"), FileOf("waveform"), item.Width, item.Height, item.DurationSeconds);
    }

    public static async Task<List<ConversationDto>> ConversationsAsync(
        AppDb db, Guid me, IReadOnlyList<Conversation> conversations, DateTime now, CancellationToken ct)
    {
        if (conversations.Count == 0)
        {
            return [];
        }
        var ids = conversations.Select(c => c.Id).ToList();
        var members = await db.ChatMembers.AsNoTracking().Where(m => ids.Contains(m.ConversationId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.ConversationId, m.UserId, m.Role, m.ReadUpToSeq, m.JoinedAt, u.DisplayName })
            .ToListAsync(ct);
        var presence = await PresenceAsync(db, [.. members.Select(m => m.UserId).Distinct()], now, ct);
        var last = await db.ChatMessages.AsNoTracking()
            .Where(m => ids.Contains(m.ConversationId) && db.Conversations.Any(c => c.Id == m.ConversationId && c.LastSeq == m.Seq))
            .ToListAsync(ct);
        var lastDtos = (await MessagesAsync(db, last, ct)).ToDictionary(m => m.ConversationId);
        var unread = await db.ChatMembers.AsNoTracking().Where(mm => mm.UserId == me && ids.Contains(mm.ConversationId))
            .Select(mm => new
            {
                mm.ConversationId,
                Count = db.ChatMessages.Count(m => m.ConversationId == mm.ConversationId && m.Seq > mm.ReadUpToSeq && m.SenderId != me && m.DeletedAt == null),
            })
            .ToDictionaryAsync(x => x.ConversationId, x => x.Count, ct);
        var byConversation = members.ToLookup(m => m.ConversationId);
        var result = new List<ConversationDto>(conversations.Count);
        foreach (var c in conversations)
        {
            var list = byConversation[c.Id].OrderByDescending(m => m.Role).ThenBy(m => m.JoinedAt).ThenBy(m => m.UserId).ToList();
            var mine = list.FirstOrDefault(m => m.UserId == me);
            var title = c.Kind == ConversationKind.Group
                ? c.Name ?? "Group"
                : list.FirstOrDefault(m => m.UserId != me)?.DisplayName ?? mine?.DisplayName ?? "Direct chat";
            result.Add(new ConversationDto(
                c.Id, c.Kind == ConversationKind.Group ? "group" : "direct", title, c.Name, c.Description, c.LastSeq,
                mine?.ReadUpToSeq ?? 0, unread.GetValueOrDefault(c.Id), RoleName(mine?.Role ?? MemberRole.Member),
                lastDtos.GetValueOrDefault(c.Id),
                [.. list.Select(m => new MemberDto(m.UserId, m.DisplayName, RoleName(m.Role), m.ReadUpToSeq, presence[m.UserId]))],
                c.CreatedAt, c.LastActivityAt));
        }
        return result;
    }

    public static string RoleName(MemberRole role) => role.ToString().ToLowerInvariant();

    public static string JoinIds(IEnumerable<Guid> ids) => string.Join(',', ids.Select(i => i.ToString("N")));

    public static IReadOnlyList<Guid> ParseIds(string joined) =>
        joined.Length == 0 ? [] : [.. joined.Split(',').Select(s => Guid.TryParseExact(s, "N", out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty)];

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
