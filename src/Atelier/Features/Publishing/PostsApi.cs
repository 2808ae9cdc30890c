using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Platform.Data;
using Atelier.Platform.Http;

namespace Atelier.Features.Publishing;

public sealed record PostRequest(
    [property: Required, MaxLength(300), RegularExpression(@".*\S.*")] string Title,
    [property: MaxLength(200)] string? Slug,
    PostKind? Kind,
    [property: Required, MaxLength(500_000)] string Source,
    [property: MaxLength(1000)] string? Summary,
    PostStatus? Status,
    DateTime? PublishedAt,
    [property: MaxLength(30)] string[]? Tags,
    [property: MaxLength(1000)] string? CoverUrl,
    bool? Featured,
    [property: MaxLength(200)] string? Series,
    [property: Range(0, 100_000)] int? SeriesOrder,
    [property: MaxLength(300)] string? SeoTitle,
    [property: MaxLength(1000)] string? SeoDescription,
    [property: MaxLength(CategoryPath.MaxCount), CategoryPaths] string[]? Categories = null);

public sealed record PostDto(Guid Id, string Slug, string Title, PostKind Kind, string Status, DateTime? PublishedAt, string? Summary,
    IReadOnlyList<string> Tags, string Source, string Html, string? CoverUrl, bool Featured, string? Series, int? SeriesOrder,
    string? SeoTitle, string? SeoDescription, Guid? AuthorId, bool FromVault, DateTime UpdatedAt, IReadOnlyList<string> Categories);

public sealed record PostSummaryDto(Guid Id, string Slug, string Title, PostKind Kind, string Status, DateTime? PublishedAt, string? Summary,
    IReadOnlyList<string> Tags, DateTime UpdatedAt, IReadOnlyList<string> Categories);

public sealed record RevisionDto(Guid Id, string Title, DateTime CreatedAt, Guid? AuthorId);

/// <summary>Writing posts through the API: authors write their own, admins any. Posts from a vault are edited in the vault.</summary>
internal static class PostsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var posts = api.MapGroup("/posts").WithTags("Posts");
        posts.MapGet("", ListAsync).WithSummary("Posts, newest first, keyset-paged; filter by kind, tag, category (and below) and (for authors) status.");
        posts.MapGet("/{slug}", GetAsync).WithSummary("One post with its Markdown source and rendered HTML.");
        var write = posts.MapGroup("").RequireApi(AccountsExtensions.ApiAuthor);
        write.MapPost("", CreateAsync).WithSummary("Write a post (Markdown, Obsidian syntax).");
        write.MapPut("/{slug}", UpdateAsync).WithSummary("Replace a post; the previous text is kept as a revision.");
        write.MapDelete("/{slug}", DeleteAsync).WithSummary("Delete a post.");
        write.MapGet("/{slug}/revisions", RevisionsAsync).WithSummary("Earlier versions of a post, newest first.");
        write.MapPost("/{slug}/revisions/{revisionId:guid}/restore", RestoreAsync).WithSummary("Make an earlier version current again.");
    }

    private static async Task<Results<Ok<Page<PostSummaryDto>>, ProblemHttpResult>> ListAsync(
        [AsParameters] PageRequest page, PostKind? kind, [MaxLength(100)] string? tag, [MaxLength(CategoryPath.MaxLength)] string? category,
        PostStatus? status, ClaimsPrincipal user, AppDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var query = db.Posts.AsNoTracking();
        if (category is not null)
        {
            // "Music/Synthesis" or its key "music/synthesis": posts filed there or below.
            if (CategoryPath.Parse(category, out var error) is not { } path)
            {
                return TypedResults.Problem(statusCode: 400, title: "The category is not valid.", detail: error);
            }
            query = query.InCategory(path.Key);
        }
        if (status == PostStatus.Draft)
        {
            if (!PostWriter.IsWriter(user))
            {
                return TypedResults.Problem(statusCode: 403, title: "Only authors see drafts.");
            }
            var me = user.UserId();
            var editor = user.IsAdmin();
            query = query.Where(p => p.Status == PostStatus.Draft && (editor || p.AuthorId == me));
        }
        else
        {
            query = query.VisibleAt(now);
        }
        if (kind is not null)
        {
            query = query.Where(p => p.Kind == kind);
        }
        if (tag is not null)
        {
            query = query.Where(p => p.Tags.Any(t => t.Tag == tag));
        }
        if (page.Cursor is not null)
        {
            if (!Keyset.TryDecode(page.Cursor, out var key, out var id))
            {
                return Keyset.InvalidCursor();
            }
            query = query.Where(p => p.UpdatedAt < key || (p.UpdatedAt == key && p.Id < id));
        }
        var rows = await query.OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Id).Take(page.Take + 1)
            .Select(p => new PostSummaryDto(p.Id, p.Slug, p.Title, p.Kind, p.Status.ToString(), p.PublishedAt, p.Summary,
                p.Tags.OrderBy(t => t.Tag).Select(t => t.Tag).ToList(), p.UpdatedAt, p.Categories.OrderBy(c => c.Path).Select(c => c.Path).ToList()))
            .ToListAsync(ct);
        return TypedResults.Ok(Keyset.ToPage(rows, page.Take, p => (p.UpdatedAt, p.Id)));
    }

    private static async Task<Results<Ok<PostDto>, NotFound>> GetAsync(string slug, ClaimsPrincipal user, AppDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var me = user.UserId();
        var editor = user.IsAdmin();
        var writer = PostWriter.IsWriter(user);
        var post = await db.Posts.AsNoTracking().Include(p => p.Tags).Include(p => p.Categories)
            .Where(p => p.Slug == slug && ((p.Status == PostStatus.Published && p.PublishedAt <= now) || editor || (writer && p.AuthorId == me)))
            .SingleOrDefaultAsync(ct);
        return post is null ? TypedResults.NotFound() : TypedResults.Ok(ToDto(post));
    }

    private static PostDto ToDto(Post p) => new(p.Id, p.Slug, p.Title, p.Kind, p.Status.ToString(), p.PublishedAt, p.Summary,
        p.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal).ToList(), p.Source, p.Html, p.CoverUrl, p.Featured, p.Series, p.SeriesOrder,
        p.SeoTitle, p.SeoDescription, p.AuthorId, p.VaultId is not null, p.UpdatedAt, p.Categories.Select(c => c.Path).Order(StringComparer.Ordinal).ToList());

    private static async Task<Results<Created<PostDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PostRequest request, ClaimsPrincipal user, PostWriter writer, CancellationToken ct) =>
        await writer.CreateAsync(request, user, ct) switch
        {
            { Post: { } post } => TypedResults.Created($"/api/v1/posts/{Uri.EscapeDataString(post.Slug)}", ToDto(post)),
            var failed => SlugTaken(failed.Slug!),
        };

    private static async Task<Results<Ok<PostDto>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string slug, PostRequest request, ClaimsPrincipal user, PostWriter writer, CancellationToken ct) =>
        await writer.UpdateAsync(slug, request, user, ct) switch
        {
            { Post: { } post } => TypedResults.Ok(ToDto(post)),
            { Error: PostWriteError.NotFound } => TypedResults.NotFound(),
            { Error: PostWriteError.FromVault } => FromVault(),
            var failed => SlugTaken(failed.Slug!),
        };

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string slug, ClaimsPrincipal user, PostWriter writer, CancellationToken ct) =>
        await writer.DeleteAsync(slug, user, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<List<RevisionDto>>, NotFound>> RevisionsAsync(string slug, ClaimsPrincipal user, PostWriter writer, CancellationToken ct) =>
        await writer.RevisionsAsync(slug, user, ct) is { } revisions ? TypedResults.Ok(revisions) : TypedResults.NotFound();

    private static async Task<Results<Ok<PostDto>, NotFound, ProblemHttpResult>> RestoreAsync(
        string slug, Guid revisionId, ClaimsPrincipal user, PostWriter writer, CancellationToken ct) =>
        await writer.RestoreAsync(slug, revisionId, user, ct) switch
        {
            { Post: { } post } => TypedResults.Ok(ToDto(post)),
            { Error: PostWriteError.FromVault } => FromVault(),
            _ => TypedResults.NotFound(),
        };

    private static ValidationProblem SlugTaken(string slug) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["slug"] = [$"The slug '{slug}' is taken."] });

    private static ProblemHttpResult FromVault() =>
        TypedResults.Problem(statusCode: 409, title: "This post comes from a vault.", detail: "Edit the note in the vault; the next import updates the post.");
}
