using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Atelier.Features.Accounts;
using Atelier.Platform.Http;

namespace Atelier.Features.Messenger;

public sealed record MemberRequest([property: MaxLength(16)] string? Role);

public sealed record ReadRequest(long Seq);

public sealed record EditRequest(string? Text);

public sealed record ReactRequest(string? Emoji);

public sealed record HistoryRequest
{
    public long? Before { get; init; }
    public long? After { get; init; }

    [Range(1, PageRequest.MaxLimit)]
    public int? Limit { get; init; }
}

/// <summary>The messenger over HTTP, for clients without WebSockets: everything the hub does (docs/chat.md).</summary>
internal static class ChatApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var conversations = api.MapGroup("/conversations").WithTags("Messenger").RequireApi(AccountsExtensions.ApiUser);
        conversations.MapGet("", ListAsync).WithSummary("My conversations, most recent activity first, with unread counts and members' presence.");
        conversations.MapPost("", CreateAsync).WithSummary("Start a group ({kind:\"group\", name, memberIds}) or open the direct chat with someone ({kind:\"direct\", userId}; 200 when it exists).");
        conversations.MapGet("/{id:guid}", GetAsync).WithSummary("One of my conversations.");
        conversations.MapPatch("/{id:guid}", PatchAsync).WithSummary("Rename a group or change its description (owner and admins).");
        conversations.MapPost("/{id:guid}/members/{userId:guid}", AddMemberAsync).WithSummary("Add someone to a group, or change a member's role (role: member or admin; the owner promotes).");
        conversations.MapDelete("/{id:guid}/members/{userId:guid}", RemoveMemberAsync).WithSummary("Leave a group (your own id) or remove a member (owner and admins).");
        conversations.MapGet("/{id:guid}/messages", HistoryAsync).WithSummary("Messages in sequence order: the newest, or before=SEQ (scrolling up), or after=SEQ (catching up).");
        conversations.MapPost("/{id:guid}/messages", SendAsync).WithSummary("Send a message; a repeated clientMessageId returns the stored message (200) instead of a second one.");
        conversations.MapPost("/{id:guid}/read", ReadAsync).WithSummary("I have read up to this sequence number.");
        conversations.MapPost("/{id:guid}/typing", TypingAsync).WithSummary("I am typing (shown to the others for 5 seconds).");

        var messages = api.MapGroup("/messages").WithTags("Messenger").RequireApi(AccountsExtensions.ApiUser);
        messages.MapGet("/search", SearchAsync).WithSummary("Messages containing q in my conversations, newest first.");
        messages.MapPatch("/{id:guid}", EditAsync).WithSummary("Edit my message (marked edited).");
        messages.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Delete a message for everyone (author, or a group's owner and admins); answers the tombstone.");
        messages.MapPost("/{id:guid}/reactions", ReactAsync).WithSummary("Toggle my reaction with this emoji.");

        api.MapGet("/users/search", SearchUsersAsync).WithTags("Messenger").RequireApi(AccountsExtensions.ApiUser)
            .WithSummary("People to chat with: display name containing q, or the exact email address (20 at most).");
    }

    private static Guid Me(ClaimsPrincipal user) => user.UserId()!.Value;

    private static async Task<Results<Ok<Page<ConversationDto>>, ProblemHttpResult>> ListAsync(
        [AsParameters] PageRequest page, ClaimsPrincipal user, ChatService chat, CancellationToken ct)
    {
        if (!Keyset.TryRead(page.Cursor, out var after))
        {
            return Keyset.InvalidCursor();
        }
        var (items, more) = await chat.ListAsync(Me(user), after, page.Take, ct);
        return TypedResults.Ok(new Page<ConversationDto>(items, more ? Keyset.Encode(items[^1].LastActivityAt, items[^1].Id) : null));
    }

    private static async Task<Results<Created<ConversationDto>, Ok<ConversationDto>, ProblemHttpResult>> CreateAsync(
        NewConversation request, ClaimsPrincipal user, ChatService chat, CancellationToken ct)
    {
        var result = await chat.CreateAsync(Me(user), request, ct);
        if (result.Error is { } error)
        {
            return Fail(error);
        }
        var (conversation, created) = result.Value;
        return created ? TypedResults.Created($"/api/v1/conversations/{conversation.Id}", conversation) : TypedResults.Ok(conversation);
    }

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, ChatService chat, CancellationToken ct) => Answer(await chat.GetAsync(Me(user), id, ct));

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> PatchAsync(
        Guid id, ConversationPatch patch, ClaimsPrincipal user, ChatService chat, CancellationToken ct) =>
        Answer(await chat.UpdateAsync(Me(user), id, patch, ct));

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> AddMemberAsync(
        Guid id, Guid userId, MemberRequest? request, ClaimsPrincipal user, ChatService chat, CancellationToken ct) =>
        Answer(await chat.AddMemberAsync(Me(user), id, userId, request?.Role, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        Guid id, Guid userId, ClaimsPrincipal user, ChatService chat, CancellationToken ct) =>
        await chat.RemoveMemberAsync(Me(user), id, userId, ct) is { } error ? Fail(error) : TypedResults.NoContent();

    private static async Task<Results<Ok<MessagesPage>, ProblemHttpResult>> HistoryAsync(
        Guid id, [AsParameters] HistoryRequest request, ClaimsPrincipal user, ChatService chat, CancellationToken ct) =>
        Answer(await chat.HistoryAsync(Me(user), id, request.Before, request.After, request.Limit ?? 50, ct));

    private static async Task<Results<Created<MessageDto>, Ok<MessageDto>, ProblemHttpResult>> SendAsync(
        Guid id, SendRequest request, ClaimsPrincipal user, ChatService chat, HttpContext http, CancellationToken ct)
    {
        var result = await chat.SendAsync(Me(user), id, request, ct);
        if (result.Error is { } error)
        {
            if (error.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }
            return Fail(error);
        }
        var (message, created) = result.Value;
        return created ? TypedResults.Created($"/api/v1/conversations/{id}/messages?after={message.Seq - 1}", message) : TypedResults.Ok(message);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReadAsync(
        Guid id, ReadRequest request, ClaimsPrincipal user, ChatService chat, CancellationToken ct) =>
        await chat.MarkReadAsync(Me(user), id, request.Seq, ct) is { } error ? Fail(error) : TypedResults.NoContent();

    private static async Task<Results<NoContent, ProblemHttpResult>> TypingAsync(
        Guid id, ClaimsPrincipal user, ChatService chat, CancellationToken ct) =>
        await chat.TypingAsync(Me(user), user.Identity?.Name ?? "Someone", id, ct) is { } error ? Fail(error) : TypedResults.NoContent();

    private static async Task<Results<Ok<Page<MessageDto>>, ProblemHttpResult>> SearchAsync(
        string? q, [AsParameters] PageRequest page, ClaimsPrincipal user, ChatService chat, CancellationToken ct)
    {
        if (!Keyset.TryRead(page.Cursor, out var after))
        {
            return Keyset.InvalidCursor();
        }
        var result = await chat.SearchAsync(Me(user), q, after, page.Take, ct);
        if (result.Error is { } error)
        {
            return Fail(error);
        }
        var (items, more) = result.Value;
        return TypedResults.Ok(new Page<MessageDto>(items, more ? Keyset.Encode(items[^1].CreatedAt, items[^1].Id) : null));
    }

    private static async Task<Results<Ok<MessageDto>, ProblemHttpResult>> EditAsync(
        Guid id, EditRequest request, ClaimsPrincipal user, ChatService chat, CancellationToken ct) =>
        Answer(await chat.EditAsync(Me(user), id, request.Text, ct));

    private static async Task<Results<Ok<MessageDto>, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal user, ChatService chat, CancellationToken ct) => Answer(await chat.DeleteAsync(Me(user), id, ct));

    private static async Task<Results<Ok<ReactionsChangedDto>, ProblemHttpResult>> ReactAsync(
        Guid id, ReactRequest request, ClaimsPrincipal user, ChatService chat, CancellationToken ct) =>
        Answer(await chat.ReactAsync(Me(user), id, request.Emoji, ct));

    private static async Task<Results<Ok<List<UserHitDto>>, ProblemHttpResult>> SearchUsersAsync(
        string? q, ClaimsPrincipal user, ChatService chat, CancellationToken ct) => Answer(await chat.SearchUsersAsync(Me(user), q, ct));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(ChatResult<T> result) =>
        result.Error is { } error ? Fail(error) : TypedResults.Ok(result.Value!);

    /// <summary>Every failure is a problem; a 400 names the field in <c>errors</c>, as validation problems do.</summary>
    private static ProblemHttpResult Fail(ChatError error) => TypedResults.Problem(
        statusCode: error.Status, title: error.Message,
        extensions: error.Field is { } field
            ? new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [error.Message] } }
            : null);
}
