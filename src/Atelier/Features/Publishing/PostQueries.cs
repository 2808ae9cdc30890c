using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing.Markdown;
using Atelier.Platform.Data;
using Atelier.Platform.Http;

namespace Atelier.Features.Publishing;

public sealed record PostCard(Guid Id, string Slug, string Title, string? Summary, DateTime PublishedAt, PostKind Kind, string? CoverUrl, IReadOnlyList<string> Tags)
{
    public string Url => "/posts/" + Uri.EscapeDataString(Slug);
}

public sealed record PostLinkView(string Title, string Url);

public sealed record PostView(
    PostCard Card, string Html, IReadOnlyList<Heading> Toc, IReadOnlyList<PostLinkView> Backlinks, int ReadingMinutes, string? Series,
    PostLinkView? Previous, PostLinkView? Next, DateTime UpdatedAt, string? SeoTitle, string? SeoDescription,
    IReadOnlyList<IReadOnlyList<CategoryLink>> Categories);

/// <summary>What the public site reads: only published posts whose date has come.</summary>
internal sealed class PostQueries(AppDb db, TimeProvider time)
{
    private IQueryable<Post> Visible() => db.Posts.AsNoTracking().VisibleAt(time.GetUtcNow().UtcDateTime);

    /// <summary>Newest first, keyset-paged; null when the cursor is not ours.</summary>
    public Task<Page<PostCard>?> ListAsync(string? cursor, int limit, string? tag, PostKind? kind, CancellationToken ct)
    {
        var query = Visible();
        if (tag is not null)
        {
            query = query.Where(p => p.Tags.Any(t => t.Tag == tag));
        }
        if (kind is not null)
        {
            query = query.Where(p => p.Kind == kind);
        }
        return PageAsync(query, cursor, limit, ct);
    }

    /// <summary>The posts filed under a category or any category below it, newest first, keyset-paged; null when the cursor is not ours.</summary>
    public Task<Page<PostCard>?> InCategoryAsync(string path, string? cursor, int limit, CancellationToken ct)
        => PageAsync(Visible().InCategory(path), cursor, limit, ct);

    /// <summary>The categories that have visible posts, with their counts.</summary>
    public Task<CategoryTree> CategoriesAsync(CancellationToken ct) => CategoryTree.LoadAsync(db, time.GetUtcNow().UtcDateTime, ct);

    private static async Task<Page<PostCard>?> PageAsync(IQueryable<Post> query, string? cursor, int limit, CancellationToken ct)
    {
        if (cursor is not null)
        {
            if (!Keyset.TryDecode(cursor, out var key, out var id))
            {
                return null;
            }
            query = query.Where(p => p.PublishedAt < key || (p.PublishedAt == key && p.Id < id));
        }
        var rows = await query.OrderByDescending(p => p.PublishedAt).ThenByDescending(p => p.Id).Take(limit + 1)
            .Select(p => new PostCard(p.Id, p.Slug, p.Title, p.Summary, p.PublishedAt!.Value, p.Kind, p.CoverUrl,
                p.Tags.OrderBy(t => t.Tag).Select(t => t.Tag).ToList()))
            .ToListAsync(ct);
        return Keyset.ToPage(rows, limit, p => (p.PublishedAt, p.Id));
    }

    public Task<List<PostCard>> FeaturedAsync(int count, CancellationToken ct) =>
        Visible().Where(p => p.Featured).OrderByDescending(p => p.PublishedAt).ThenByDescending(p => p.Id).Take(count)
            .Select(p => new PostCard(p.Id, p.Slug, p.Title, p.Summary, p.PublishedAt!.Value, p.Kind, p.CoverUrl,
                p.Tags.OrderBy(t => t.Tag).Select(t => t.Tag).ToList()))
            .ToListAsync(ct);

    public sealed record ArchiveEntry(string Title, string Url, DateTime PublishedAt);

    /// <summary>Every visible post, newest first (titles and dates only), for the archive.</summary>
    public Task<List<ArchiveEntry>> ArchiveAsync(CancellationToken ct) =>
        Visible().Where(p => p.Kind != PostKind.Page).OrderByDescending(p => p.PublishedAt).ThenByDescending(p => p.Id).Take(5000)
            .Select(p => new ArchiveEntry(p.Title, "/posts/" + p.Slug, p.PublishedAt!.Value)).ToListAsync(ct);

    private sealed record PostRow(Guid Id, string Slug, string Title, string? Summary, DateTime PublishedAt, PostKind Kind, string? CoverUrl,
        string Html, string TocJson, int WordCount, string? Series, int? SeriesOrder, DateTime UpdatedAt, string? SeoTitle,
        string? SeoDescription, Guid? VaultId);

    public async Task<PostView?> GetAsync(string slug, CancellationToken ct)
    {
        // Several small queries on one connection (on SQLite each open and close of a pooled connection re-registers its
        // functions under the pool's lock). Flat projections: a nested collection in a constructor made EF build
        // delegates on every execution, the page's largest cost.
        await db.Database.OpenConnectionAsync(ct);
        var post = await Visible().Where(p => p.Slug == slug)
            .Select(p => new PostRow(p.Id, p.Slug, p.Title, p.Summary, p.PublishedAt!.Value, p.Kind, p.CoverUrl, p.Html, p.TocJson,
                p.WordCount, p.Series, p.SeriesOrder, p.UpdatedAt, p.SeoTitle, p.SeoDescription, p.VaultId))
            .SingleOrDefaultAsync(ct);
        if (post is null)
        {
            return null;
        }
        var id = post.Id;
        var tags = await db.PostTags.AsNoTracking().Where(t => t.PostId == id).OrderBy(t => t.Tag).Select(t => t.Tag).ToListAsync(ct);
        // From the links to this post (indexed by target) to their visible sources, not a scan of every post.
        var backlinks = await db.PostLinks.Where(l => l.ToPostId == id)
            .Join(Visible(), l => l.FromPostId, p => p.Id, (l, p) => p)
            .OrderBy(p => p.Title).Select(p => new PostLinkView(p.Title, "/posts/" + p.Slug)).ToListAsync(ct);
        PostLinkView? previous = null, next = null;
        if (post.Series is not null && post.SeriesOrder is { } order)
        {
            // A series lives in one source: two vaults may both have a "Basics" series.
            var series = Visible().Where(p => p.VaultId == post.VaultId && p.Series == post.Series && p.SeriesOrder != null);
            previous = await series.Where(p => p.SeriesOrder < order).OrderByDescending(p => p.SeriesOrder)
                .Select(p => new PostLinkView(p.Title, "/posts/" + p.Slug)).FirstOrDefaultAsync(ct);
            next = await series.Where(p => p.SeriesOrder > order).OrderBy(p => p.SeriesOrder)
                .Select(p => new PostLinkView(p.Title, "/posts/" + p.Slug)).FirstOrDefaultAsync(ct);
        }
        var toc = JsonSerializer.Deserialize<List<Heading>>(post.TocJson) ?? [];
        var card = new PostCard(post.Id, post.Slug, post.Title, post.Summary, post.PublishedAt, post.Kind, post.CoverUrl, tags);
        return new PostView(card, post.Html, toc, backlinks, Math.Max(1, (int)Math.Round(post.WordCount / 220.0)), post.Series,
            previous, next, post.UpdatedAt, post.SeoTitle, post.SeoDescription, await CategoryTree.TrailsOfAsync(db, id, ct));
    }

    /// <summary>Where an old address now lives (a renamed note or changed slug), or null.</summary>
    public Task<string?> RedirectAsync(string path, CancellationToken ct) =>
        db.Redirects.AsNoTracking().Where(r => r.FromPath == path).Select(r => r.ToPath).FirstOrDefaultAsync(ct);
}
