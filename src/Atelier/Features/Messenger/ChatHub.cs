using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Atelier.Features.Accounts;

namespace Atelier.Features.Messenger;

/// <summary>
/// The messenger in real time (docs/chat.md). Authenticated by bearer token (<c>access_token</c> on WebSockets).
/// Every call checks membership; a failure is a <see cref="HubException"/> with a clear message for this call only,
/// never the end of the connection.
/// </summary>
[Authorize(AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme)]
internal sealed class ChatHub(ChatService chat, ChatPresenceTracker presence) : Hub<IChatClient>
{
    public const string Path = "/hubs/chat";

    private Guid Me => Context.User!.UserId()!.Value;

    private string MyName => Context.User!.Identity?.Name ?? "Someone";

    /// <summary>Each user's connections form a group: events go to groups by name, which SignalR finds by key.</summary>
    public static string GroupOf(Guid userId) => "u:" + userId.ToString("N");

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(Me));
        await presence.ConnectedAsync(Context.ConnectionId, Me);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => presence.DisconnectedAsync(Context.ConnectionId, Me);

    public async Task<MessageDto> Send(Guid conversationId, string? clientMessageId, string? text, Guid? replyToId, Guid[]? attachmentIds) =>
        Unwrap(await chat.SendAsync(Me, conversationId, new SendRequest(clientMessageId, text, replyToId, attachmentIds), Context.ConnectionAborted)).Message;

    public async Task<MessageDto> Edit(Guid messageId, string? text) => Unwrap(await chat.EditAsync(Me, messageId, text, Context.ConnectionAborted));

    public async Task<MessageDto> Delete(Guid messageId) => Unwrap(await chat.DeleteAsync(Me, messageId, Context.ConnectionAborted));

    public async Task<ReactionsChangedDto> React(Guid messageId, string? emoji) => Unwrap(await chat.ReactAsync(Me, messageId, emoji, Context.ConnectionAborted));

    public async Task Typing(Guid conversationId) => Check(await chat.TypingAsync(Me, MyName, conversationId, Context.ConnectionAborted));

    public async Task MarkRead(Guid conversationId, long seq) => Check(await chat.MarkReadAsync(Me, conversationId, seq, Context.ConnectionAborted));

    public Task SetAway(bool away) => presence.SetAwayAsync(Context.ConnectionId, Me, away);

    private static T Unwrap<T>(ChatResult<T> result) => result.Error is { } error ? throw new HubException(error.Message) : result.Value!;

    private static void Check(ChatError? error)
    {
        if (error is not null)
        {
            throw new HubException(error.Message);
        }
    }
}
