using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Accounts;
using Atelier.Features.Publishing.Markdown;
using Atelier.Platform.Data;
using Atelier.Platform.Http;

namespace Atelier.Features.Publishing;

/// <summary>A post in its writer's list: <see cref="State"/> is Draft, Scheduled or Published.</summary>
public sealed record WritablePostDto(Guid Id, string Slug, string Title, PostKind Kind, string State, DateTime? PublishedAt, DateTime UpdatedAt, bool FromVault)
{
    public string EditUrl => $"/admin/posts/{Uri.EscapeDataString(Slug)}/edit";
    public string Url => "/posts/" + Uri.EscapeDataString(Slug);
}

internal enum PostWriteError { None, NotFound, FromVault, SlugTaken }

/// <summary>The post as written, or why not: <see cref="Slug"/> names the taken slug for <see cref="PostWriteError.SlugTaken"/>.</summary>
internal sealed record PostWrite(Post? Post, PostWriteError Error = PostWriteError.None, string? Slug = null)
{
    public static readonly PostWrite NotFound = new(null, PostWriteError.NotFound);
    public static readonly PostWrite FromVault = new(null, PostWriteError.FromVault);
}

/// <summary>
/// Writing posts, the same rules for the API and the admin editor: authors write their own posts, admins any; slugs are
/// unique and a changed slug leaves a redirect; every edit keeps the previous text as a revision; posts from a vault
/// are edited in the vault; a change re-renders the Markdown, reindexes search and drops cached pages.
/// </summary>
internal sealed class PostWriter(AppDb db, ObsidianRenderer renderer, ContentChanges changes, SearchIndex search, TimeProvider time)
{
    public static bool IsWriter(ClaimsPrincipal user) => user.IsAdmin() || user.IsInRole(Roles.Author);

    /// <summary>The post if this user may change it (its author, or an admin); null otherwise, so others cannot tell it exists.</summary>
    public Task<Post?> FindWritableAsync(string slug, ClaimsPrincipal user, CancellationToken ct)
    {
        var me = user.UserId();
        var editor = user.IsAdmin();
        return db.Posts.Include(p => p.Tags).Include(p => p.Categories).SingleOrDefaultAsync(p => p.Slug == slug && (editor || p.AuthorId == me), ct);
    }

    /// <summary>
    /// The posts this user may change (all of them for admins), most recently changed first, keyset-paged; null when
    /// the cursor is not ours.
    /// </summary>
    public async Task<Page<WritablePostDto>?> ListAsync(ClaimsPrincipal user, PageRequest page, CancellationToken ct)
    {
        var me = user.UserId();
        var editor = user.IsAdmin();
        var now = time.GetUtcNow().UtcDateTime;
        var query = db.Posts.AsNoTracking().Where(p => editor || p.AuthorId == me);
        if (page.Cursor is not null)
        {
            if (!Keyset.TryDecode(page.Cursor, out var key, out var id))
            {
                return null;
            }
            query = query.Where(p => p.UpdatedAt < key || (p.UpdatedAt == key && p.Id < id));
        }
        var rows = await query.OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Id).Take(page.Take + 1)
            .Select(p => new WritablePostDto(p.Id, p.Slug, p.Title, p.Kind,
                p.Status == PostStatus.Draft ? "Draft" : p.PublishedAt > now ? "Scheduled" : "Published",
                p.PublishedAt, p.UpdatedAt, p.VaultId != null))
            .ToListAsync(ct);
        return Keyset.ToPage(rows, page.Take, p => (p.UpdatedAt, p.Id));
    }

    public async Task<PostWrite> CreateAsync(PostRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var slug = Slugs.From(string.IsNullOrWhiteSpace(request.Slug) ? request.Title : request.Slug);
        if (await db.Posts.AnyAsync(p => p.Slug == slug, ct))
        {
            return new PostWrite(null, PostWriteError.SlugTaken, slug);
        }
        var post = new Post { Slug = slug, Title = request.Title.Trim(), AuthorId = user.UserId(), CreatedAt = now };
        await ApplyAsync(post, request, now, ct);
        db.Posts.Add(post);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(post.Id, ct);
        return new PostWrite(post);
    }

    public async Task<PostWrite> UpdateAsync(string slug, PostRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var post = await FindWritableAsync(slug, user, ct);
        if (post is null)
        {
            return PostWrite.NotFound;
        }
        if (post.VaultId is not null)
        {
            return PostWrite.FromVault;
        }
        if (!string.IsNullOrWhiteSpace(request.Slug) && Slugs.From(request.Slug) is var newSlug && newSlug != post.Slug)
        {
            if (await db.Posts.AnyAsync(p => p.Slug == newSlug, ct))
            {
                return new PostWrite(null, PostWriteError.SlugTaken, newSlug);
            }
            db.Redirects.Add(new Redirect { FromPath = "/posts/" + post.Slug, ToPath = "/posts/" + newSlug, CreatedAt = now });
            post.Slug = newSlug;
        }
        db.PostRevisions.Add(new PostRevision { PostId = post.Id, Title = post.Title, Source = post.Source, AuthorId = user.UserId(), CreatedAt = now });
        post.Title = request.Title.Trim();
        await ApplyAsync(post, request, now, ct);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(post.Id, ct);
        return new PostWrite(post);
    }

    public async Task<bool> DeleteAsync(string slug, ClaimsPrincipal user, CancellationToken ct)
    {
        var post = await FindWritableAsync(slug, user, ct);
        if (post is null)
        {
            return false;
        }
        db.Posts.Remove(post);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(post.Id, ct);
        return true;
    }

    /// <summary>Earlier versions of a post, newest first; null when the user may not change the post.</summary>
    public async Task<List<RevisionDto>?> RevisionsAsync(string slug, ClaimsPrincipal user, CancellationToken ct)
    {
        var post = await FindWritableAsync(slug, user, ct);
        return post is null ? null : await RevisionsAsync(post.Id, ct);
    }

    public Task<List<RevisionDto>> RevisionsAsync(Guid postId, CancellationToken ct) =>
        db.PostRevisions.AsNoTracking().Where(r => r.PostId == postId).OrderByDescending(r => r.CreatedAt).Take(100)
            .Select(r => new RevisionDto(r.Id, r.Title, r.CreatedAt, r.AuthorId)).ToListAsync(ct);

    /// <summary>Makes an earlier version current again; the text it replaces becomes a revision itself.</summary>
    public async Task<PostWrite> RestoreAsync(string slug, Guid revisionId, ClaimsPrincipal user, CancellationToken ct)
    {
        var post = await FindWritableAsync(slug, user, ct);
        var revision = post is null ? null : await db.PostRevisions.AsNoTracking().SingleOrDefaultAsync(r => r.Id == revisionId && r.PostId == post.Id, ct);
        if (post is null || revision is null)
        {
            return PostWrite.NotFound;
        }
        if (post.VaultId is not null)
        {
            return PostWrite.FromVault;
        }
        var now = time.GetUtcNow().UtcDateTime;
        db.PostRevisions.Add(new PostRevision { PostId = post.Id, Title = post.Title, Source = post.Source, AuthorId = user.UserId(), CreatedAt = now });
        post.Title = revision.Title;
        post.Source = revision.Source;
        await RenderAsync(post, now, ct);
        post.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await ChangedAsync(post.Id, ct);
        return new PostWrite(post);
    }

    /// <summary>
    /// Markdown rendered exactly as a published post would be (same renderer, links and sanitizer), without saving;
    /// <paramref name="postId"/> is the post being edited, if any.
    /// </summary>
    public async Task<RenderResult> PreviewAsync(string source, Guid? postId, CancellationToken ct)
    {
        var links = await SiteLinks.LoadAsync(db, time.GetUtcNow().UtcDateTime, ct);
        return renderer.Render(source, links, postId is { } id ? links.Self(id) : null);
    }

    /// <summary>A post changed: the search index follows and cached pages are dropped.</summary>
    private async Task ChangedAsync(Guid postId, CancellationToken ct)
    {
        await search.IndexAsync([postId], ct);
        await changes.PublishedAsync(ct);
    }

    private async Task ApplyAsync(Post post, PostRequest r, DateTime now, CancellationToken ct)
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
        var result = await RenderAsync(post, now, ct);
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

    private async Task<RenderResult> RenderAsync(Post post, DateTime now, CancellationToken ct)
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
