using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Features.Messenger;

public sealed record NewConversation(string? Kind, Guid? UserId, string? Name, string? Description, IReadOnlyList<Guid>? MemberIds);

public sealed record ConversationPatch(string? Name, string? Description);

public sealed record SendRequest(string? ClientMessageId, string? Text, Guid? ReplyToId, IReadOnlyList<Guid>? AttachmentIds);

/// <summary>Per-user send limit, shared by the hub and the REST API (docs/chat.md, "Limits").</summary>
internal sealed class ChatSendLimiter(IOptions<AtelierOptions> options, TimeProvider time) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter = PartitionedRateLimiter.Create<Guid, Guid>(user =>
        RateLimitPartition.GetTokenBucketLimiter(user, _ =>
        {
            var limit = options.Value.Chat.SendsPer10Seconds;
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit,
                TokensPerPeriod = Math.Max(1, limit / 10),
                ReplenishmentPeriod = TimeSpan.FromSeconds(10.0 * Math.Max(1, limit / 10) / limit),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
        }));

    private readonly ConcurrentDictionary<(Guid User, Guid Conversation), DateTime> _typing = new();

    /// <summary>Null when the user may send now, else how long to wait.</summary>
    public TimeSpan? TrySend(Guid user)
    {
        using var lease = _limiter.AttemptAcquire(user);
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    /// <summary>True when this typing signal should be passed on (at most one a second per user and conversation).</summary>
    public bool TryType(Guid user, Guid conversation)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = (user, conversation);
        if (_typing.TryGetValue(key, out var last) && now - last < ChatLimits.TypingThrottle)
        {
            return false;
        }
        _typing[key] = now;
        if (_typing.Count > 100_000)
        {
            foreach (var old in _typing.Where(p => now - p.Value > ChatLimits.TypingLifetime).Select(p => p.Key).ToList())
            {
                _typing.TryRemove(old, out _);
            }
        }
        return true;
    }

    /// <summary>After a message the typing signal is over; the next keystroke may signal at once.</summary>
    public void StoppedTyping(Guid user, Guid conversation) => _typing.TryRemove((user, conversation), out _);

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Everything a member can do in the messenger, for the hub and the REST API alike. Every call checks membership in
/// its query: a conversation the caller is not in does not exist for them (404).
/// </summary>
internal sealed class ChatService(AppDb db, ChatEvents events, ChatSendLimiter limiter, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<(List<ConversationDto> Items, bool HasMore)> ListAsync(Guid me, (DateTime Key, Guid Id)? after, int limit, CancellationToken ct)
    {
        var query = ChatQueries.Mine(db, me).AsNoTracking();
        if (after is (var key, var id))
        {
            query = query.Where(c => c.LastActivityAt < key || (c.LastActivityAt == key && c.Id.CompareTo(id) < 0));
        }
        var rows = await query.OrderByDescending(c => c.LastActivityAt).ThenByDescending(c => c.Id).Take(limit + 1).ToListAsync(ct);
        var hasMore = rows.Count > limit;
        return (await ChatQueries.ConversationsAsync(db, me, rows.Take(limit).ToList(), Now, ct), hasMore);
    }

    public async Task<ChatResult<ConversationDto>> GetAsync(Guid me, Guid id, CancellationToken ct) =>
        await ChatQueries.Mine(db, me).AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) is { } conversation
            ? (await ChatQueries.ConversationsAsync(db, me, [conversation], Now, ct))[0]
            : ChatError.NotFound();

    /// <summary>A new group, or the direct chat with someone (the existing one when there is one: Created is false).</summary>
    public async Task<ChatResult<(ConversationDto Conversation, bool Created)>> CreateAsync(Guid me, NewConversation request, CancellationToken ct)
    {
        switch (request.Kind?.ToLowerInvariant())
        {
            case "direct":
                return await DirectAsync(me, request.UserId, ct);
            case "group":
                return await GroupAsync(me, request, ct);
            default:
                return ChatError.Invalid("kind", "kind must be \"direct\" or \"group\".");
        }
    }

    private async Task<ChatResult<(ConversationDto, bool)>> DirectAsync(Guid me, Guid? other, CancellationToken ct)
    {
        if (other is not { } them || them == Guid.Empty)
        {
            return ChatError.Invalid("userId", "userId names the person to chat with.");
        }
        if (them == me)
        {
            return ChatError.Invalid("userId", "A direct chat is with someone else.");
        }
        if (!await db.Users.AnyAsync(u => u.Id == them, ct))
        {
            return ChatError.Invalid("userId", "There is no such user.");
        }
        var key = Conversation.KeyOf(me, them);
        if (await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.DirectKey == key, ct) is { } existing)
        {
            return ((await ChatQueries.ConversationsAsync(db, me, [existing], Now, ct))[0], false);
        }
        var now = Now;
        var conversation = new Conversation { Kind = ConversationKind.Direct, DirectKey = key, CreatedById = me, CreatedAt = now, LastActivityAt = now };
        db.Conversations.Add(conversation);
        db.ChatMembers.Add(new ChatMember { ConversationId = conversation.Id, UserId = me, Role = MemberRole.Member, JoinedAt = now });
        db.ChatMembers.Add(new ChatMember { ConversationId = conversation.Id, UserId = them, Role = MemberRole.Member, JoinedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // They opened it at the same moment: theirs is the one.
            db.ChangeTracker.Clear();
            var theirs = await db.Conversations.AsNoTracking().SingleAsync(c => c.DirectKey == key, ct);
            return ((await ChatQueries.ConversationsAsync(db, me, [theirs], Now, ct))[0], false);
        }
        await events.ConversationChangedAsync(conversation.Id, [me, them]);
        return ((await ChatQueries.ConversationsAsync(db, me, [conversation], Now, ct))[0], true);
    }

    private async Task<ChatResult<(ConversationDto, bool)>> GroupAsync(Guid me, NewConversation request, CancellationToken ct)
    {
        if (ValidateGroupText(request.Name, request.Description, nameRequired: true) is { } invalid)
        {
            return invalid;
        }
        var others = (request.MemberIds ?? []).Where(id => id != me).Distinct().ToList();
        if (others.Count + 1 > ChatLimits.MaxMembers)
        {
            return ChatError.Invalid("memberIds", $"A group has at most {ChatLimits.MaxMembers} members.");
        }
        var known = await db.Users.Where(u => others.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        if (others.Except(known).FirstOrDefault() is var unknown && unknown != Guid.Empty)
        {
            return ChatError.Invalid("memberIds", $"There is no user {unknown}.");
        }
        var now = Now;
        var conversation = new Conversation
        {
            Kind = ConversationKind.Group, Name = request.Name!.Trim(), Description = Clean(request.Description),
            CreatedById = me, CreatedAt = now, LastActivityAt = now,
        };
        db.Conversations.Add(conversation);
        db.ChatMembers.Add(new ChatMember { ConversationId = conversation.Id, UserId = me, Role = MemberRole.Owner, JoinedAt = now });
        foreach (var id in others)
        {
            db.ChatMembers.Add(new ChatMember { ConversationId = conversation.Id, UserId = id, Role = MemberRole.Member, JoinedAt = now });
        }
        await db.SaveChangesAsync(ct);
        await events.ConversationChangedAsync(conversation.Id, [me, .. others]);
        return ((await ChatQueries.ConversationsAsync(db, me, [conversation], Now, ct))[0], true);
    }

    public async Task<ChatResult<ConversationDto>> UpdateAsync(Guid me, Guid id, ConversationPatch patch, CancellationToken ct)
    {
        var (conversation, member) = await MembershipAsync(me, id, ct);
        if (conversation is null || member is null)
        {
            return ChatError.NotFound();
        }
        if (conversation.Kind != ConversationKind.Group)
        {
            return ChatError.Invalid("kind", "A direct chat has no name or description.");
        }
        if (member.Role == MemberRole.Member)
        {
            return ChatError.Forbidden("Only the group's owner and admins may change it.");
        }
        if (ValidateGroupText(patch.Name, patch.Description, nameRequired: false) is { } invalid)
        {
            return invalid;
        }
        if (patch.Name is not null)
        {
            conversation.Name = patch.Name.Trim();
        }
        if (patch.Description is not null)
        {
            conversation.Description = Clean(patch.Description);
        }
        await db.SaveChangesAsync(ct);
        await events.ConversationChangedAsync(id, await ChatQueries.MemberIdsAsync(db, id, ct));
        return (await ChatQueries.ConversationsAsync(db, me, [conversation], Now, ct))[0];
    }

    /// <summary>Adds someone to a group, or changes the role of a member (promote to admin, or back).</summary>
    public async Task<ChatResult<ConversationDto>> AddMemberAsync(Guid me, Guid id, Guid userId, string? role, CancellationToken ct)
    {
        var (conversation, member) = await MembershipAsync(me, id, ct);
        if (conversation is null || member is null)
        {
            return ChatError.NotFound();
        }
        if (conversation.Kind != ConversationKind.Group)
        {
            return ChatError.Invalid("kind", "A direct chat is between two people; start a group to add more.");
        }
        if (member.Role == MemberRole.Member)
        {
            return ChatError.Forbidden("Only the group's owner and admins may add members.");
        }
        MemberRole? wanted = role?.ToLowerInvariant() switch
        {
            null => null,
            "member" => MemberRole.Member,
            "admin" => MemberRole.Admin,
            _ => (MemberRole)(-1),
        };
        if (wanted is (MemberRole)(-1))
        {
            return ChatError.Invalid("role", "role must be \"member\" or \"admin\".");
        }
        var existing = await db.ChatMembers.SingleOrDefaultAsync(m => m.ConversationId == id && m.UserId == userId, ct);
        if (existing is not null)
        {
            if (wanted is { } newRole && newRole != existing.Role)
            {
                if (member.Role != MemberRole.Owner)
                {
                    return ChatError.Forbidden("Only the group's owner may change roles.");
                }
                if (existing.Role == MemberRole.Owner)
                {
                    return ChatError.Invalid("role", "The owner's role does not change.");
                }
                existing.Role = newRole;
                await db.SaveChangesAsync(ct);
            }
        }
        else
        {
            if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
            {
                return ChatError.Invalid("userId", "There is no such user.");
            }
            if (await db.ChatMembers.CountAsync(m => m.ConversationId == id, ct) >= ChatLimits.MaxMembers)
            {
                return ChatError.Invalid("userId", $"A group has at most {ChatLimits.MaxMembers} members.");
            }
            if (wanted == MemberRole.Admin && member.Role != MemberRole.Owner)
            {
                return ChatError.Forbidden("Only the group's owner may make admins.");
            }
            db.ChatMembers.Add(new ChatMember
            {
                ConversationId = id, UserId = userId, Role = wanted ?? MemberRole.Member, JoinedAt = Now,
                ReadUpToSeq = 0,
            });
            await db.SaveChangesAsync(ct);
        }
        await events.ConversationChangedAsync(id, await ChatQueries.MemberIdsAsync(db, id, ct));
        return (await ChatQueries.ConversationsAsync(db, me, [conversation], Now, ct))[0];
    }

    /// <summary>Leaves a group (yourself) or removes someone (owner; admins may remove members).</summary>
    public async Task<ChatError?> RemoveMemberAsync(Guid me, Guid id, Guid userId, CancellationToken ct)
    {
        var (conversation, member) = await MembershipAsync(me, id, ct);
        if (conversation is null || member is null)
        {
            return ChatError.NotFound();
        }
        if (conversation.Kind != ConversationKind.Group)
        {
            return ChatError.Invalid("kind", "Nobody leaves a direct chat.");
        }
        var target = userId == me ? member : await db.ChatMembers.SingleOrDefaultAsync(m => m.ConversationId == id && m.UserId == userId, ct);
        if (target is null)
        {
            return ChatError.NotFound("Member");
        }
        if (userId != me && (member.Role == MemberRole.Member || target.Role >= member.Role))
        {
            return ChatError.Forbidden("Only the group's owner may remove admins, and admins members.");
        }
        var before = await ChatQueries.MemberIdsAsync(db, id, ct);
        db.ChatMembers.Remove(target);
        if (target.Role == MemberRole.Owner)
        {
            // The group keeps an owner: the longest-standing admin, else the longest-standing member.
            var heir = await db.ChatMembers.Where(m => m.ConversationId == id && m.UserId != target.UserId)
                .OrderByDescending(m => m.Role == MemberRole.Admin).ThenBy(m => m.JoinedAt).FirstOrDefaultAsync(ct);
            heir?.Role = MemberRole.Owner;
        }
        await db.SaveChangesAsync(ct);
        await events.ConversationChangedAsync(id, before);
        return null;
    }

    public async Task<ChatResult<MessagesPage>> HistoryAsync(Guid me, Guid id, long? before, long? after, int limit, CancellationToken ct)
    {
        if (!await IsMemberAsync(me, id, ct))
        {
            return ChatError.NotFound();
        }
        if (before is not null && after is not null)
        {
            return ChatError.Invalid("before", "Ask for messages before or after a sequence number, not both.");
        }
        var messages = db.ChatMessages.AsNoTracking().Where(m => m.ConversationId == id);
        List<ChatMessage> rows;
        if (after is { } a)
        {
            rows = await messages.Where(m => m.Seq > a).OrderBy(m => m.Seq).Take(limit + 1).ToListAsync(ct);
        }
        else
        {
            if (before is { } b)
            {
                messages = messages.Where(m => m.Seq < b);
            }
            rows = await messages.OrderByDescending(m => m.Seq).Take(limit + 1).ToListAsync(ct);
        }
        var hasMore = rows.Count > limit;
        var page = rows.Take(limit).OrderBy(m => m.Seq).ToList();
        return new MessagesPage(await ChatQueries.MessagesAsync(db, page, ct), hasMore);
    }

    /// <summary>Stores a message with the next sequence number; a repeated clientMessageId returns the stored one (Created false).</summary>
    public async Task<ChatResult<(MessageDto Message, bool Created)>> SendAsync(Guid me, Guid conversationId, SendRequest request, CancellationToken ct)
    {
        var clientId = request.ClientMessageId?.Trim() ?? "";
        if (clientId.Length is 0 or > ChatLimits.MaxClientMessageId)
        {
            return ChatError.Invalid("clientMessageId", $"clientMessageId is required: 1–{ChatLimits.MaxClientMessageId} characters, the same on every retry.");
        }
        var text = (request.Text ?? "").Trim();
        if (text.Length > ChatLimits.MaxText)
        {
            return ChatError.Invalid("text", $"A message has at most {ChatLimits.MaxText:N0} characters; this one has {text.Length:N0}.");
        }
        var attachmentIds = (request.AttachmentIds ?? []).Distinct().ToList();
        if (text.Length == 0 && attachmentIds.Count == 0)
        {
            return ChatError.Invalid("text", "Write something or attach a file.");
        }
        if (attachmentIds.Count > ChatLimits.MaxAttachments)
        {
            return ChatError.Invalid("attachmentIds", $"A message has at most {ChatLimits.MaxAttachments} attachments.");
        }
        // One connection for the whole send (EF would otherwise take one from the pool, and reset it, for each query).
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await StoreAsync(me, conversationId, clientId, text, request.ReplyToId, attachmentIds, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<ChatResult<(MessageDto Message, bool Created)>> StoreAsync(
        Guid me, Guid conversationId, string clientId, string text, Guid? replyToId, List<Guid> attachmentIds, CancellationToken ct)
    {
        // The members, and (on the sender's row) whether this clientMessageId is stored already: one round trip.
        var rows = new List<SendMember>();
        var query = db.Database.IsNpgsql() ? SendMembersPostgres : SendMembersSqlite;
        await foreach (var row in query(db, conversationId, me, clientId).WithCancellation(ct))
        {
            rows.Add(row);
        }
        var members = rows.Select(r => new MemberName(r.UserId, r.DisplayName)).ToList();
        var sender = members.FirstOrDefault(m => m.UserId == me);
        if (sender is null)
        {
            return ChatError.NotFound();
        }
        if (rows.Any(r => r.Stored is not null) && await StoredAsync(me, conversationId, clientId, ct) is { } again)
        {
            // A retry of a message already stored is answered with it, however fast the retries come.
            return (again, false);
        }
        if (limiter.TrySend(me) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            return new ChatError(429, $"Too many messages: wait {seconds} s.", null, TimeSpan.FromSeconds(seconds));
        }
        ReplyQuoteDto? quote = null;
        if (replyToId is { } replyId)
        {
            var original = await db.ChatMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == replyId && m.ConversationId == conversationId, ct);
            if (original is null)
            {
                return ChatError.Invalid("replyToId", "replyToId is not a message of this conversation.");
            }
            quote = ChatQueries.Quote(original, members.FirstOrDefault(m => m.UserId == original.SenderId)?.DisplayName
                ?? await db.Users.Where(u => u.Id == original.SenderId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "Someone");
        }
        var attachments = new List<AttachmentDto>();
        if (attachmentIds.Count > 0)
        {
            var owned = await db.Media.AsNoTracking().Where(m => attachmentIds.Contains(m.Id) && m.OwnerId == me).Select(m => m.Id).ToListAsync(ct);
            if (attachmentIds.FirstOrDefault(a => !owned.Contains(a)) is var foreign && foreign != Guid.Empty)
            {
                return ChatError.Invalid("attachmentIds", $"{foreign} is not one of your media items; upload it first (POST /api/v1/media).");
            }
            var media = await ChatQueries.MediaAsync(db, attachmentIds, ct);
            attachments.AddRange(attachmentIds.Select(a => media[a]));
        }
        var mentions = Mentions.Find(text, members.Select(m => (m.UserId, m.DisplayName)));
        var now = Now;
        var message = new ChatMessage
        {
            ConversationId = conversationId, SenderId = me, ClientMessageId = clientId, Text = text,
            Mentions = ChatQueries.JoinIds(mentions), ReplyToId = replyToId, CreatedAt = now,
        };
        var outcome = attachmentIds.Count == 0 && db.Database.IsNpgsql()
            ? await InsertInOneStatementAsync(message, ct)
            : await InsertInTransactionAsync(message, attachmentIds, ct);
        if (outcome == Insert.Duplicate)
        {
            // The same send arrived twice at once (two devices, a retry racing the original): the first one stands.
            return await StoredAsync(me, conversationId, clientId, ct) is { } first ? (first, false) : throw new InvalidOperationException(
                $"Storing a message in conversation {conversationId} failed, and no message with its clientMessageId is stored.");
        }
        if (outcome == Insert.Gone)
        {
            return ChatError.NotFound();
        }
        limiter.StoppedTyping(me, conversationId);
        var dto = ChatQueries.ToDto(message, sender.DisplayName, quote, attachments, []);
        await events.MessageCreatedAsync(conversationId, [.. members.Select(m => m.UserId)], dto);
        return (dto, true);
    }

    private enum Insert { Stored, Duplicate, Gone }

    /// <summary>A member of the conversation a message is sent to; on the sender's row, the id of a message already stored under the send's key.</summary>
    private sealed record SendMember(Guid UserId, string DisplayName, Guid? Stored);

    // Compiled once per provider (a compiled query keeps the SQL of the first database it ran on, and the tests run
    // both in one process): the query runs on every message sent, and building it each time (EF's expression work)
    // was most of its cost.
    private static readonly Func<AppDb, Guid, Guid, string, IAsyncEnumerable<SendMember>> SendMembersPostgres = CompileSendMembers();
    private static readonly Func<AppDb, Guid, Guid, string, IAsyncEnumerable<SendMember>> SendMembersSqlite = CompileSendMembers();

    private static Func<AppDb, Guid, Guid, string, IAsyncEnumerable<SendMember>> CompileSendMembers() => EF.CompileAsyncQuery(
        (AppDb db, Guid conversationId, Guid me, string clientId) => db.ChatMembers.AsNoTracking().Where(m => m.ConversationId == conversationId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new SendMember(
                m.UserId,
                u.DisplayName,
                m.UserId == me
                    ? db.ChatMessages.Where(x => x.ConversationId == conversationId && x.SenderId == me && x.ClientMessageId == clientId)
                        .Select(x => (Guid?)x.Id).FirstOrDefault()
                    : null)));

    /// <summary>See <see cref="InsertInOneStatementAsync"/>; $1–$9: id, conversation, sender, client id, text, mentions, reply-to, created at.</summary>
    private const string InsertInOneStatement = """
        WITH next AS (
            UPDATE chat_conversations SET "LastSeq" = "LastSeq" + 1, "LastActivityAt" = $8
            WHERE "Id" = $2 RETURNING "LastSeq"),
        stored AS (
            INSERT INTO chat_messages ("Id", "ConversationId", "Seq", "SenderId", "ClientMessageId", "Text", "Mentions", "ReplyToId", "CreatedAt")
            SELECT $1, $2, next."LastSeq", $3, $4, $5, $6, $7, $8
            FROM next
            RETURNING "Seq"),
        mark AS (
            UPDATE chat_members SET "ReadUpToSeq" = stored."Seq" FROM stored
            WHERE chat_members."ConversationId" = $2 AND chat_members."UserId" = $3)
        SELECT "Seq" FROM stored
        """;

    /// <summary>
    /// PostgreSQL, a message without attachments: the next number, the message and the sender's read mark in one
    /// statement (one round trip), so the conversation's row is locked only while it runs and commits.
    /// </summary>
    private async Task<Insert> InsertInOneStatementAsync(ChatMessage m, CancellationToken ct)
    {
        try
        {
            // A plain command on the send's open connection: EF's raw-SQL query added its query pipeline's work to every send.
            await using var command = new NpgsqlCommand(InsertInOneStatement, (NpgsqlConnection)db.Database.GetDbConnection())
            {
                Parameters =
                {
                    new() { Value = m.Id }, new() { Value = m.ConversationId }, new() { Value = m.SenderId },
                    new() { Value = m.ClientMessageId }, new() { Value = m.Text }, new() { Value = m.Mentions },
                    new() { Value = (object?)m.ReplyToId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                    new() { Value = m.CreatedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                },
            };
            if (await command.ExecuteScalarAsync(ct) is not long seq)
            {
                return Insert.Gone; // the conversation was deleted meanwhile
            }
            m.Seq = seq;
            return Insert.Stored;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Insert.Duplicate;
        }
    }

    /// <summary>Any provider, any message: the same steps in a transaction (the conversation's row locked from the number to the commit).</summary>
    private async Task<Insert> InsertInTransactionAsync(ChatMessage message, List<Guid> attachmentIds, CancellationToken ct)
    {
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false; // a failed insert ends the transaction anyway (rolled back below)
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Taking the next number locks the conversation's row until the commit: numbers are never shared or skipped.
            var seq = await db.Database.SqlQuery<long>($"""
                UPDATE chat_conversations SET "LastSeq" = "LastSeq" + 1, "LastActivityAt" = {message.CreatedAt}
                WHERE "Id" = {message.ConversationId} RETURNING "LastSeq" AS "Value"
                """).ToListAsync(ct);
            if (seq.Count == 0)
            {
                return Insert.Gone;
            }
            message.Seq = seq[0];
            db.ChatMessages.Add(message);
            for (var i = 0; i < attachmentIds.Count; i++)
            {
                db.ChatAttachments.Add(new ChatAttachment { MessageId = message.Id, MediaId = attachmentIds[i], ConversationId = message.ConversationId, Position = i });
            }
            // Writing a message means having read everything up to it (it is the newest, so the mark only moves on).
            var mark = db.ChatMembers.Attach(new ChatMember { ConversationId = message.ConversationId, UserId = message.SenderId });
            mark.Entity.ReadUpToSeq = message.Seq;
            mark.Property(m => m.ReadUpToSeq).IsModified = true;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return Insert.Gone; // the sender left (or was removed) while sending
            }
            catch (DbUpdateException)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return Insert.Duplicate;
            }
            await transaction.CommitAsync(ct);
            return Insert.Stored;
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The message this sender already stored under this clientMessageId, if any.</summary>
    private async Task<MessageDto?> StoredAsync(Guid me, Guid conversationId, string clientId, CancellationToken ct) =>
        await db.ChatMessages.AsNoTracking()
            .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.SenderId == me && m.ClientMessageId == clientId, ct) is { } stored
            ? (await ChatQueries.MessagesAsync(db, [stored], ct))[0]
            : null;

    public async Task<ChatResult<MessageDto>> EditAsync(Guid me, Guid messageId, string? text, CancellationToken ct)
    {
        var found = await FindMessageAsync(me, messageId, ct);
        if (found.Error is { } error)
        {
            return error;
        }
        var message = found.Value!;
        if (message.SenderId != me)
        {
            return ChatError.Forbidden("Only the author may edit a message.");
        }
        if (message.DeletedAt is not null)
        {
            return ChatError.Invalid("messageId", "The message was deleted.");
        }
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length > ChatLimits.MaxText)
        {
            return ChatError.Invalid("text", $"A message has at most {ChatLimits.MaxText:N0} characters; this one has {trimmed.Length:N0}.");
        }
        if (trimmed.Length == 0 && !await db.ChatAttachments.AnyAsync(a => a.MessageId == messageId, ct))
        {
            return ChatError.Invalid("text", "A message without attachments needs text; delete it instead.");
        }
        var members = await MembersAsync(message.ConversationId, ct);
        if (trimmed != message.Text)
        {
            message.Text = trimmed;
            message.Mentions = ChatQueries.JoinIds(Mentions.Find(trimmed, members.Select(m => (m.UserId, m.DisplayName))));
            message.EditedAt = Now;
            await db.SaveChangesAsync(ct);
        }
        var dto = (await ChatQueries.MessagesAsync(db, [message], ct))[0];
        await events.MessageUpdatedAsync(message.ConversationId, [.. members.Select(m => m.UserId)], dto);
        return dto;
    }

    /// <summary>Deletes for everyone: the message stays as a tombstone (its number keeps its place), its content goes.</summary>
    public async Task<ChatResult<MessageDto>> DeleteAsync(Guid me, Guid messageId, CancellationToken ct)
    {
        var found = await FindMessageAsync(me, messageId, ct);
        if (found.Error is { } error)
        {
            return error;
        }
        var message = found.Value!;
        if (message.SenderId != me)
        {
            var (conversation, member) = await MembershipAsync(me, message.ConversationId, ct);
            if (conversation?.Kind != ConversationKind.Group || member?.Role is not (MemberRole.Admin or MemberRole.Owner))
            {
                return ChatError.Forbidden("Only the author or a group admin may delete a message.");
            }
        }
        if (message.DeletedAt is null)
        {
            message.DeletedAt = Now;
            message.Text = "";
            message.Mentions = "";
            await db.ChatAttachments.Where(a => a.MessageId == messageId).ExecuteDeleteAsync(ct);
            await db.ChatReactions.Where(r => r.MessageId == messageId).ExecuteDeleteAsync(ct);
            await db.SaveChangesAsync(ct);
        }
        var dto = (await ChatQueries.MessagesAsync(db, [message], ct))[0];
        await events.MessageDeletedAsync(message.ConversationId, await ChatQueries.MemberIdsAsync(db, message.ConversationId, ct), dto);
        return dto;
    }

    /// <summary>Adds my reaction with this emoji, or takes it back when it is there.</summary>
    public async Task<ChatResult<ReactionsChangedDto>> ReactAsync(Guid me, Guid messageId, string? emoji, CancellationToken ct)
    {
        var value = emoji?.Trim() ?? "";
        if (value.Length == 0 || value.Length > ChatLimits.MaxEmoji || value.Any(char.IsWhiteSpace) || value.Any(char.IsControl))
        {
            return ChatError.Invalid("emoji", $"emoji is 1–{ChatLimits.MaxEmoji} characters without spaces.");
        }
        var found = await FindMessageAsync(me, messageId, ct);
        if (found.Error is { } error)
        {
            return error;
        }
        var message = found.Value!;
        if (message.DeletedAt is not null)
        {
            return ChatError.Invalid("messageId", "The message was deleted.");
        }
        var removed = await db.ChatReactions.Where(r => r.MessageId == messageId && r.UserId == me && r.Emoji == value).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            db.ChatReactions.Add(new ChatReaction { MessageId = messageId, UserId = me, Emoji = value, CreatedAt = Now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // the same toggle twice at once: it is there, as asked
            }
        }
        var change = new ReactionsChangedDto(message.ConversationId, messageId, await ChatQueries.ReactionsAsync(db, messageId, ct));
        await events.ReactionsChangedAsync(await ChatQueries.MemberIdsAsync(db, message.ConversationId, ct), change);
        return change;
    }

    public async Task<ChatError?> TypingAsync(Guid me, string displayName, Guid conversationId, CancellationToken ct)
    {
        if (!await IsMemberAsync(me, conversationId, ct))
        {
            return ChatError.NotFound();
        }
        if (limiter.TryType(me, conversationId))
        {
            var others = (await ChatQueries.MemberIdsAsync(db, conversationId, ct)).Where(u => u != me).ToList();
            await events.TypingAsync(others, new TypingDto(conversationId, me, displayName, Now + ChatLimits.TypingLifetime));
        }
        return null;
    }

    /// <summary>Moves my read mark forward (never back, never past the newest message) and tells the members.</summary>
    public async Task<ChatError?> MarkReadAsync(Guid me, Guid conversationId, long seq, CancellationToken ct)
    {
        if (seq < 0)
        {
            return ChatError.Invalid("seq", "seq is a message's sequence number (0 or more).");
        }
        var lastSeq = await ChatQueries.Mine(db, me).Where(c => c.Id == conversationId).Select(c => (long?)c.LastSeq).SingleOrDefaultAsync(ct);
        if (lastSeq is null)
        {
            return ChatError.NotFound();
        }
        var upTo = Math.Min(seq, lastSeq.Value);
        var moved = await db.ChatMembers.Where(m => m.ConversationId == conversationId && m.UserId == me && m.ReadUpToSeq < upTo)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadUpToSeq, upTo), ct);
        if (moved > 0)
        {
            await events.ReadUpToAsync(await ChatQueries.MemberIdsAsync(db, conversationId, ct), new ReadUpToDto(conversationId, me, upTo));
        }
        return null;
    }

    public async Task<ChatResult<(List<MessageDto> Items, bool HasMore)>> SearchAsync(
        Guid me, string? q, (DateTime Key, Guid Id)? after, int limit, CancellationToken ct)
    {
        var query = q?.Trim() ?? "";
        if (query.Length is < 2 or > 200)
        {
            return ChatError.Invalid("q", "Search for 2–200 characters.");
        }
        var lowered = query.ToLowerInvariant();
        var messages = db.ChatMessages.AsNoTracking()
            .Where(m => db.ChatMembers.Any(cm => cm.ConversationId == m.ConversationId && cm.UserId == me))
            .Where(m => m.DeletedAt == null && m.Text.ToLower().Contains(lowered));
        if (after is (var key, var id))
        {
            messages = messages.Where(m => m.CreatedAt < key || (m.CreatedAt == key && m.Id.CompareTo(id) < 0));
        }
        var rows = await messages.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(limit + 1).ToListAsync(ct);
        return (await ChatQueries.MessagesAsync(db, [.. rows.Take(limit)], ct), rows.Count > limit);
    }

    public async Task<ChatResult<List<UserHitDto>>> SearchUsersAsync(Guid me, string? q, CancellationToken ct)
    {
        var query = q?.Trim() ?? "";
        if (query.Length is < 1 or > 100)
        {
            return ChatError.Invalid("q", "Search for 1–100 characters of a name, or an email address.");
        }
        var lowered = query.ToLowerInvariant();
        var email = Accounts.User.Normalize(query);
        var users = await db.Users.AsNoTracking()
            .Where(u => u.Id != me && (u.DisplayName.ToLower().Contains(lowered) || u.NormalizedEmail == email))
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Take(20).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        var presence = await ChatQueries.PresenceAsync(db, [.. users.Select(u => u.Id)], Now, ct);
        return users.Select(u => new UserHitDto(u.Id, u.DisplayName, presence[u.Id])).ToList();
    }

    private async Task<ChatResult<ChatMessage>> FindMessageAsync(Guid me, Guid messageId, CancellationToken ct) =>
        await db.ChatMessages.Where(m => m.Id == messageId && db.ChatMembers.Any(cm => cm.ConversationId == m.ConversationId && cm.UserId == me))
            .SingleOrDefaultAsync(ct) is { } message
            ? message
            : ChatError.NotFound("Message");

    /// <summary>The members of a conversation with their display names (senders' names, mentions, recipients).</summary>
    private Task<List<MemberName>> MembersAsync(Guid conversationId, CancellationToken ct) =>
        db.ChatMembers.AsNoTracking().Where(m => m.ConversationId == conversationId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new MemberName(m.UserId, u.DisplayName)).ToListAsync(ct);

    private sealed record MemberName(Guid UserId, string DisplayName);

    private Task<bool> IsMemberAsync(Guid me, Guid conversationId, CancellationToken ct) =>
        db.ChatMembers.AnyAsync(m => m.ConversationId == conversationId && m.UserId == me, ct);

    private async Task<(Conversation? Conversation, ChatMember? Member)> MembershipAsync(Guid me, Guid id, CancellationToken ct)
    {
        var member = await db.ChatMembers.SingleOrDefaultAsync(m => m.ConversationId == id && m.UserId == me, ct);
        return member is null ? (null, null) : (await db.Conversations.SingleAsync(c => c.Id == id, ct), member);
    }

    private static ChatError? ValidateGroupText(string? name, string? description, bool nameRequired)
    {
        if ((nameRequired || name is not null) && string.IsNullOrWhiteSpace(name))
        {
            return ChatError.Invalid("name", "A group needs a name.");
        }
        if (name is not null && name.Trim().Length > ChatLimits.MaxName)
        {
            return ChatError.Invalid("name", $"A group name has at most {ChatLimits.MaxName} characters.");
        }
        if (description is not null && description.Trim().Length > ChatLimits.MaxDescription)
        {
            return ChatError.Invalid("description", $"A description has at most {ChatLimits.MaxDescription:N0} characters.");
        }
        return null;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>Finds the members a text names as @DisplayName (longest name first, case-insensitive, ending at a non-letter).</summary>
internal static class Mentions
{
    public static List<Guid> Find(string text, IEnumerable<(Guid Id, string Name)> members)
    {
        var found = new List<Guid>();
        if (!text.Contains('@', StringComparison.Ordinal))
        {
            return found;
        }
        var byLength = members.Where(m => m.Name.Length > 0).OrderByDescending(m => m.Name.Length).ToList();
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0; at = text.IndexOf('@', at + 1))
        {
            if (at > 0 && char.IsLetterOrDigit(text[at - 1]))
            {
                continue; // an email address, not a mention
            }
            var rest = text.AsSpan(at + 1);
            foreach (var (id, name) in byLength)
            {
                if (rest.StartsWith(name, StringComparison.OrdinalIgnoreCase) && (rest.Length == name.Length || !char.IsLetterOrDigit(rest[name.Length])))
                {
                    if (!found.Contains(id))
                    {
                        found.Add(id);
                    }
                    break;
                }
            }
        }
        return found;
    }
}
