using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Features.Publishing.Markdown;
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
        posts.MapGet("", ListAsync).WithSummary("Posts, newest first, keyset-paged; filter by kind, tag and (for authors) status.");
        posts.MapGet("/{slug}", GetAsync).WithSummary("One post with its Markdown source and rendered HTML.");
        var write = posts.MapGroup("").RequireApi(AccountsExtensions.ApiAuthor);
        write.MapPost("", CreateAsync).WithSummary("Write a post (Markdown, Obsidian syntax).");
        write.MapPut("/{slug}", UpdateAsync).WithSummary("Replace a post; the previous text is kept as a revision.");
        write.MapDelete("/{slug}", DeleteAsync).WithSummary("Delete a post.");
        write.MapGet("/{slug}/revisions", RevisionsAsync).WithSummary("Earlier versions of a post, newest first.");
        write.MapPost("/{slug}/revisions/{revisionId:guid}/restore", RestoreAsync).WithSummary("Make an earlier version current again.");
    }

    private static bool IsEditor(ClaimsPrincipal user) => user.IsInRole(Roles.Owner) || user.IsInRole(Roles.Admin);

    private static bool IsWriter(ClaimsPrincipal user) => IsEditor(user) || user.IsInRole(Roles.Author);

    private static async Task<Results<Ok<Page<PostSummaryDto>>, ProblemHttpResult>> ListAsync(
        [AsParameters] PageRequest page, PostKind? kind, [MaxLength(100)] string? tag, PostStatus? status,
        ClaimsPrincipal user, AppDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var query = db.Posts.AsNoTracking();
        if (status == PostStatus.Draft)
        {
            if (!IsWriter(user))
            {
                return TypedResults.Problem(statusCode: 403, title: "Only authors see drafts.");
            }
            var me = user.UserId();
            var editor = IsEditor(user);
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
                return TypedResults.Problem(statusCode: 400, title: "The cursor is not valid.");
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
        var editor = IsEditor(user);
        var writer = IsWriter(user);
        var post = await db.Posts.AsNoTracking().Include(p => p.Tags).Include(p => p.Categories)
            .Where(p => p.Slug == slug && ((p.Status == PostStatus.Published && p.PublishedAt <= now) || editor || (writer && p.AuthorId == me)))
            .SingleOrDefaultAsync(ct);
        return post is null ? TypedResults.NotFound() : TypedResults.Ok(ToDto(post));
    }

    private static PostDto ToDto(Post p) => new(p.Id, p.Slug, p.Title, p.Kind, p.Status.ToString(), p.PublishedAt, p.Summary,
        p.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal).ToList(), p.Source, p.Html, p.CoverUrl, p.Featured, p.Series, p.SeriesOrder,
        p.SeoTitle, p.SeoDescription, p.AuthorId, p.VaultId is not null, p.UpdatedAt, p.Categories.Select(c => c.Path).Order(StringComparer.Ordinal).ToList());

    private static async Task<Results<Created<PostDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PostRequest request, ClaimsPrincipal user, AppDb db, ObsidianRenderer renderer, ContentChanges changes, SearchIndex search, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var slug = Slugs.From(string.IsNullOrWhiteSpace(request.Slug) ? request.Title : request.Slug);
        if (await db.Posts.AnyAsync(p => p.Slug == slug, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["slug"] = [$"The slug '{slug}' is taken."] });
        }
        var post = new Post { Slug = slug, Title = request.Title.Trim(), AuthorId = user.UserId(), CreatedAt = now };
        await ApplyAsync(post, request, db, renderer, now, ct);
        db.Posts.Add(post);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(post.Id, changes, search, ct);
        return TypedResults.Created($"/api/v1/posts/{Uri.EscapeDataString(post.Slug)}", ToDto(post));
    }

    private static async Task<Results<Ok<PostDto>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string slug, PostRequest request, ClaimsPrincipal user, AppDb db, ObsidianRenderer renderer, ContentChanges changes, SearchIndex search, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var post = await FindWritableAsync(slug, user, db, ct);
        if (post is null)
        {
            return TypedResults.NotFound();
        }
        if (post.VaultId is not null)
        {
            return TypedResults.Problem(statusCode: 409, title: "This post comes from a vault.", detail: "Edit the note in the vault; the next import updates the post.");
        }
        if (!string.IsNullOrWhiteSpace(request.Slug) && Slugs.From(request.Slug) is var newSlug && newSlug != post.Slug)
        {
            if (await db.Posts.AnyAsync(p => p.Slug == newSlug, ct))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["slug"] = [$"The slug '{newSlug}' is taken."] });
            }
            db.Redirects.Add(new Redirect { FromPath = "/posts/" + post.Slug, ToPath = "/posts/" + newSlug, CreatedAt = now });
            post.Slug = newSlug;
        }
        db.PostRevisions.Add(new PostRevision { PostId = post.Id, Title = post.Title, Source = post.Source, AuthorId = user.UserId(), CreatedAt = now });
        post.Title = request.Title.Trim();
        await ApplyAsync(post, request, db, renderer, now, ct);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(post.Id, changes, search, ct);
        return TypedResults.Ok(ToDto(post));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string slug, ClaimsPrincipal user, AppDb db, ContentChanges changes, SearchIndex search, CancellationToken ct)
    {
        var post = await FindWritableAsync(slug, user, db, ct);
        if (post is null)
        {
            return TypedResults.NotFound();
        }
        db.Posts.Remove(post);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(post.Id, changes, search, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<RevisionDto>>, NotFound>> RevisionsAsync(string slug, ClaimsPrincipal user, AppDb db, CancellationToken ct)
    {
        var post = await FindWritableAsync(slug, user, db, ct);
        return post is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(await db.PostRevisions.AsNoTracking().Where(r => r.PostId == post.Id).OrderByDescending(r => r.CreatedAt).Take(100)
                .Select(r => new RevisionDto(r.Id, r.Title, r.CreatedAt, r.AuthorId)).ToListAsync(ct));
    }

    private static async Task<Results<Ok<PostDto>, NotFound, ProblemHttpResult>> RestoreAsync(
        string slug, Guid revisionId, ClaimsPrincipal user, AppDb db, ObsidianRenderer renderer, ContentChanges changes, SearchIndex search, TimeProvider time, CancellationToken ct)
    {
        var post = await FindWritableAsync(slug, user, db, ct);
        var revision = post is null ? null : await db.PostRevisions.AsNoTracking().SingleOrDefaultAsync(r => r.Id == revisionId && r.PostId == post.Id, ct);
        if (post is null || revision is null)
        {
            return TypedResults.NotFound();
        }
        if (post.VaultId is not null)
        {
            return TypedResults.Problem(statusCode: 409, title: "This post comes from a vault.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        db.PostRevisions.Add(new PostRevision { PostId = post.Id, Title = post.Title, Source = post.Source, AuthorId = user.UserId(), CreatedAt = now });
        post.Title = revision.Title;
        post.Source = revision.Source;
        await RenderAsync(post, db, renderer, now, ct);
        post.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await ChangedAsync(post.Id, changes, search, ct);
        return TypedResults.Ok(ToDto(post));
    }

    /// <summary>A post changed: the search index follows and cached pages are dropped.</summary>
    private static async Task ChangedAsync(Guid postId, ContentChanges changes, SearchIndex search, CancellationToken ct)
    {
        await search.IndexAsync([postId], ct);
        await changes.PublishedAsync(ct);
    }

    /// <summary>The post if this user may change it (its author, or an admin); null otherwise, so others cannot tell it exists.</summary>
    private static Task<Post?> FindWritableAsync(string slug, ClaimsPrincipal user, AppDb db, CancellationToken ct)
    {
        var me = user.UserId();
        var editor = IsEditor(user);
        return db.Posts.Include(p => p.Tags).Include(p => p.Categories).SingleOrDefaultAsync(p => p.Slug == slug && (editor || p.AuthorId == me), ct);
    }

    private static async Task ApplyAsync(Post post, PostRequest r, AppDb db, ObsidianRenderer renderer, DateTime now, CancellationToken ct)
    {
        post.Kind = r.Kind ?? post.Kind;
        post.Source = r.Source;
        post.Status = r.Status ?? PostStatus.Draft;
        post.PublishedAt = r.PublishedAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc).ToUniversalTime()
            : post.Status == PostStatus.Published ? post.PublishedAt ?? now : post.PublishedAt;
        post.CoverUrl = r.CoverUrl;
        post.Featured = r.Featured ?? false;
        post.Series = r.Series;
        post.SeriesOrder = r.SeriesOrder;
        post.SeoTitle = r.SeoTitle;
        post.SeoDescription = r.SeoDescription;
        post.UpdatedAt = now;
        var result = await RenderAsync(post, db, renderer, now, ct);
        post.Summary = r.Summary ?? Summaries.From(result);
        var tags = (r.Tags ?? []).Select(t => t.Trim().TrimStart('#').ToLowerInvariant()).Where(t => t.Length is > 0 and <= 100)
            .Concat(result.Tags).Distinct(StringComparer.Ordinal).ToList();
        post.Tags.RemoveAll(t => !tags.Contains(t.Tag));
        foreach (var tag in tags.Where(t => post.Tags.All(x => x.Tag != t)))
        {
            post.Tags.Add(new PostTag { PostId = post.Id, Tag = tag });
        }
        await CategoryWriter.SetAsync(db, post, r.Categories, ct);
    }

    private static async Task<RenderResult> RenderAsync(Post post, AppDb db, ObsidianRenderer renderer, DateTime now, CancellationToken ct)
    {
        var links = await SiteLinks.LoadAsync(db, now, ct);
        var result = renderer.Render(post.Source, links, links.Self(post.Id));
        post.Html = result.Html;
        post.PlainText = result.PlainText;
        post.WordCount = result.WordCount;
        post.TocJson = JsonSerializer.Serialize(result.Headings);
        return result;
    }
}
