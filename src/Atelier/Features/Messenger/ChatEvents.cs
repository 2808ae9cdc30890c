using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Atelier.Platform.Cluster;
using Atelier.Platform.Data;

namespace Atelier.Features.Messenger;

/// <summary>What the hub sends to clients (docs/chat.md, "Server → client events").</summary>
public interface IChatClient
{
    Task MessageCreated(MessageDto message);
    Task MessageUpdated(MessageDto message);
    Task MessageDeleted(MessageDto message);
    Task ReactionsChanged(ReactionsChangedDto change);
    Task Typing(TypingDto typing);
    Task ReadUpTo(ReadUpToDto read);
    Task PresenceChanged(PresenceChangedDto presence);
    Task ConversationChanged(ConversationChangedDto change);
}

/// <summary>
/// Sends messenger events to every connection of the users concerned, on every instance: through the cluster bus,
/// whose handler on each instance (this one included) hands them to that instance's hub connections. A PostgreSQL
/// notification holds under 8,000 bytes, so a long recipient list travels as the conversation (or the person whose
/// contacts should hear) and a long message as its id; the receiving instance reads them back from the database.
/// </summary>
internal sealed class ChatEvents(IClusterBus bus)
{
    public const string Channel = "chat";
    private const int MaxInlineRecipients = 40;
    private const int MaxInlineBytes = 6000;

    public Task MessageCreatedAsync(Guid conversationId, IReadOnlyCollection<Guid> to, MessageDto message) =>
        PublishAsync(nameof(IChatClient.MessageCreated), message, Recipients.Of(conversationId, to), message.Id);

    public Task MessageUpdatedAsync(Guid conversationId, IReadOnlyCollection<Guid> to, MessageDto message) =>
        PublishAsync(nameof(IChatClient.MessageUpdated), message, Recipients.Of(conversationId, to), message.Id);

    public Task MessageDeletedAsync(Guid conversationId, IReadOnlyCollection<Guid> to, MessageDto message) =>
        PublishAsync(nameof(IChatClient.MessageDeleted), message, Recipients.Of(conversationId, to), message.Id);

    public Task ReactionsChangedAsync(IReadOnlyCollection<Guid> to, ReactionsChangedDto change) =>
        PublishAsync(nameof(IChatClient.ReactionsChanged), change, Recipients.Of(change.ConversationId, to), null);

    public Task TypingAsync(IReadOnlyCollection<Guid> to, TypingDto typing) =>
        PublishAsync(nameof(IChatClient.Typing), typing, Recipients.Of(typing.ConversationId, to), null);

    public Task ReadUpToAsync(IReadOnlyCollection<Guid> to, ReadUpToDto read) =>
        PublishAsync(nameof(IChatClient.ReadUpTo), read, Recipients.Of(read.ConversationId, to), null);

    /// <summary>To the user's own devices and everyone who shares a conversation with them.</summary>
    public Task PresenceChangedAsync(PresenceChangedDto presence) =>
        PublishAsync(nameof(IChatClient.PresenceChanged), presence, new Recipients(null, null, presence.UserId), null);

    /// <summary>To these users (members now, and anyone who was just removed).</summary>
    public Task ConversationChangedAsync(Guid conversationId, IReadOnlyCollection<Guid> to) =>
        PublishAsync(nameof(IChatClient.ConversationChanged), new ConversationChangedDto(conversationId), new Recipients([.. to], null, null), null);

    private Task PublishAsync(string name, object payload, Recipients to, Guid? messageId)
    {
        var body = JsonSerializer.SerializeToElement(payload, payload.GetType(), ChatJson.Options);
        var envelope = new ChatEnvelope(name, to.Users, to.Conversation, to.ContactsOf, body, null);
        var json = JsonSerializer.Serialize(envelope, ChatJson.Options);
        if (System.Text.Encoding.UTF8.GetByteCount(json) > MaxInlineBytes && messageId is not null)
        {
            json = JsonSerializer.Serialize(envelope with { Payload = null, MessageId = messageId }, ChatJson.Options);
        }
        // Events are sent after the change is stored; a caller's cancellation must not stop the others hearing of it.
        return bus.PublishAsync(Channel, json, CancellationToken.None);
    }

    /// <summary>Who an event is for: listed users, the members of a conversation, or a user and their contacts.</summary>
    private sealed record Recipients(List<Guid>? Users, Guid? Conversation, Guid? ContactsOf)
    {
        public static Recipients Of(Guid conversationId, IReadOnlyCollection<Guid> users) =>
            users.Count <= MaxInlineRecipients ? new([.. users], null, null) : new(null, conversationId, null);
    }
}

internal sealed record ChatEnvelope(string Event, List<Guid>? Users, Guid? Conversation, Guid? ContactsOf, JsonElement? Payload, Guid? MessageId);

internal static class ChatJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>On every instance: passes chat events from the cluster bus to this instance's hub connections.</summary>
internal sealed class ChatEventsHandler(IHubContext<ChatHub, IChatClient> hub, IServiceScopeFactory scopes, ILogger<ChatEventsHandler> log)
    : IClusterHandler
{
    public string Channel => ChatEvents.Channel;

    public async Task HandleAsync(string? payload, CancellationToken ct)
    {
        if (payload is null)
        {
            return; // after a gap clients catch up by sequence number themselves (docs/chat.md, "No loss")
        }
        var envelope = JsonSerializer.Deserialize<ChatEnvelope>(payload, ChatJson.Options);
        if (envelope is null)
        {
            return;
        }
        List<Guid> users;
        MessageDto? reloaded = null;
        if (envelope.Users is { } listed && envelope.MessageId is null)
        {
            users = listed;
        }
        else
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            users = envelope.Users
                ?? (envelope.Conversation is { } c ? await ChatQueries.MemberIdsAsync(db, c, ct)
                    : envelope.ContactsOf is { } u ? await ChatQueries.ContactsAsync(db, u, ct) : []);
            if (envelope.MessageId is { } id)
            {
                reloaded = await ChatQueries.MessageAsync(db, id, ct);
                if (reloaded is null)
                {
                    return;
                }
            }
        }
        if (users.Count == 0)
        {
            return;
        }
        var clients = hub.Clients.Users([.. users.Select(u => u.ToString())]);
        T Body<T>() => reloaded is T message ? message : envelope.Payload!.Value.Deserialize<T>(ChatJson.Options)!;
        switch (envelope.Event)
        {
            case nameof(IChatClient.MessageCreated): await clients.MessageCreated(Body<MessageDto>()); break;
            case nameof(IChatClient.MessageUpdated): await clients.MessageUpdated(Body<MessageDto>()); break;
            case nameof(IChatClient.MessageDeleted): await clients.MessageDeleted(Body<MessageDto>()); break;
            case nameof(IChatClient.ReactionsChanged): await clients.ReactionsChanged(Body<ReactionsChangedDto>()); break;
            case nameof(IChatClient.Typing): await clients.Typing(Body<TypingDto>()); break;
            case nameof(IChatClient.ReadUpTo): await clients.ReadUpTo(Body<ReadUpToDto>()); break;
            case nameof(IChatClient.PresenceChanged): await clients.PresenceChanged(Body<PresenceChangedDto>()); break;
            case nameof(IChatClient.ConversationChanged): await clients.ConversationChanged(Body<ConversationChangedDto>()); break;
            default: log.LogWarning("Unknown chat event {Event}", envelope.Event); break;
        }
    }
}
