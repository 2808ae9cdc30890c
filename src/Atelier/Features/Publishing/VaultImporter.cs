using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Atelier.Features.Publishing.Markdown;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

public sealed record ImportIssue(string Path, string Message);

public sealed record UnresolvedLink(string Source, string Target);

/// <summary>What one import did, kept with the import and printed by <c>atelier import-vault</c>.</summary>
public sealed class ImportLog
{
    public int Notes { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Unpublished { get; set; }
    public int Renamed { get; set; }
    public int Attachments { get; set; }
    public int LinksResolved { get; set; }
    public List<UnresolvedLink> UnresolvedLinks { get; set; } = [];
    public List<ImportIssue> Errors { get; set; } = [];
    public double Seconds { get; set; }
}

/// <summary>
/// Imports an Obsidian vault folder into posts. Idempotent: a note whose bytes did not change is skipped (by SHA-256);
/// changed notes update in place and keep their slug; a renamed note (same bytes, new path) moves and leaves a redirect
/// from its old URL; a note that is gone or no longer marked for publishing is unpublished, never deleted.
/// </summary>
internal sealed class VaultImporter(AppDb db, ObsidianRenderer renderer, AssetStore store, ContentChanges changes, SearchIndex search, TimeProvider time, ILogger<VaultImporter> logger)
{

    private sealed class Note
    {
        public required string Path { get; init; }        // relative, '/'-separated, with extension
        public required string Key { get; init; }         // Path without ".md"
        public required string Name { get; init; }        // file name without ".md"
        public required string Source { get; init; }
        public required string Hash { get; init; }
        public required FrontMatter FrontMatter { get; init; }
        public required IReadOnlyList<CategoryPath> Categories { get; init; }
        public bool Publish { get; set; }
        public Post? Post { get; set; }
    }

    /// <param name="folder">Where the vault's files are, when not at <see cref="Vault.SourcePath"/> (a Git checkout).</param>
    public async Task<ImportLog> ImportAsync(Vault vault, CancellationToken ct, string? folder = null)
    {
        var clock = Stopwatch.StartNew();
        var log = new ImportLog();
        var root = Path.GetFullPath(folder ?? vault.SourcePath);
        if (!Directory.Exists(root))
        {
            log.Errors.Add(new ImportIssue(vault.SourcePath, "The vault folder does not exist."));
            return log;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var folders = vault.Folders.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f => f.Trim('/') + "/").ToList();

        // 1. Read the vault: notes with their front matter, attachments into the asset store.
        var notes = new List<Note>();
        var assets = await db.Assets.Where(a => a.VaultId == vault.Id).ToDictionaryAsync(a => a.VaultPath, StringComparer.Ordinal, ct);
        var seenAssets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Files(root))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            try
            {
                if (relative.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                {
                    var bytes = await File.ReadAllBytesAsync(file, ct);
                    var source = System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
                    var (frontMatter, _, error) = FrontMatterParser.Parse(source);
                    if (error is not null)
                    {
                        log.Errors.Add(new ImportIssue(relative, $"Front matter ignored: {error}"));
                    }
                    var key = relative[..^3];
                    var note = new Note
                    {
                        Path = relative,
                        Key = key,
                        Name = key[(key.LastIndexOf('/') + 1)..],
                        Source = source,
                        Hash = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                        FrontMatter = frontMatter,
                        Categories = CategoryPath.ParseAll(frontMatter.Categories, problem => log.Errors.Add(new ImportIssue(relative, problem))),
                    };
                    note.Publish = ShouldPublish(vault, folders, note);
                    notes.Add(note);
                }
                else
                {
                    seenAssets.Add(relative);
                    var (sha, size) = await store.PutFileAsync(file, ct);
                    if (!assets.TryGetValue(relative, out var asset))
                    {
                        asset = new Asset
                        {
                            VaultId = vault.Id,
                            VaultPath = relative,
                            FileName = Path.GetFileName(relative),
                            Sha256 = sha,
                            ContentType = AssetStore.ContentTypeOf(relative),
                            Size = size,
                            CreatedAt = now,
                        };
                        db.Assets.Add(asset);
                        assets[relative] = asset;
                        log.Attachments++;
                    }
                    else if (asset.Sha256 != sha)
                    {
                        asset.Sha256 = sha;
                        asset.Size = size;
                        log.Attachments++;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.DecoderFallbackException)
            {
                log.Errors.Add(new ImportIssue(relative, ex.Message));
            }
        }
        foreach (var gone in assets.Keys.Where(k => !seenAssets.Contains(k)).ToList())
        {
            db.Assets.Remove(assets[gone]);
            assets.Remove(gone);
        }
        log.Notes = notes.Count;
        // A stable order makes slugs of same-named notes ("synths", "synths-2") the same on every machine.
        notes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        // 2. Match notes to the posts of earlier imports: same path, else same bytes at a new path (a rename).
        var posts = await db.Posts.Include(p => p.Tags).Include(p => p.Categories).Where(p => p.VaultId == vault.Id).ToListAsync(ct);
        var byPath = posts.Where(p => p.VaultPath is not null).ToDictionary(p => p.VaultPath!, StringComparer.Ordinal);
        var paths = notes.Select(n => n.Path).ToHashSet(StringComparer.Ordinal);
        var orphans = posts.Where(p => p.VaultPath is null || !paths.Contains(p.VaultPath)).ToList();
        var structureChanged = false;
        foreach (var note in notes)
        {
            if (byPath.TryGetValue(note.Path, out var post))
            {
                note.Post = post;
                continue;
            }
            var moved = orphans.FirstOrDefault(p => p.ContentHash == note.Hash);
            if (moved is not null)
            {
                orphans.Remove(moved);
                moved.VaultPath = note.Path;
                note.Post = moved;
                log.Renamed++;
                structureChanged = true;
            }
        }
        foreach (var orphan in orphans.Where(p => p.Status == PostStatus.Published))
        {
            orphan.Status = PostStatus.Draft;
            orphan.UpdatedAt = now;
            log.Unpublished++;
            structureChanged = true;
        }

        // 3. Create or update posts: slug, title, status. Rendering waits until every slug is known.
        var takenSlugs = (await db.Posts.Select(p => p.Slug).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var changed = new List<Note>();
        foreach (var note in notes)
        {
            var post = note.Post;
            var wantedSlug = note.FrontMatter.Slug is { Length: > 0 } s ? Slugs.From(s) : Slugs.From(note.Name);
            if (post is null)
            {
                if (!note.Publish)
                {
                    continue; // notes that are not published do not become posts at all
                }
                post = new Post
                {
                    Slug = Unique(wantedSlug, takenSlugs),
                    Title = note.Name,
                    VaultId = vault.Id,
                    VaultPath = note.Path,
                    CreatedAt = now,
                };
                db.Posts.Add(post);
                note.Post = post;
                log.Created++;
                structureChanged = true;
                changed.Add(note);
                continue;
            }

            var wasPublished = post.Status == PostStatus.Published;
            if (post.ContentHash == note.Hash && wasPublished == note.Publish && !RenamedSlugDiffers(post, wantedSlug))
            {
                log.Unchanged++;
                continue;
            }
            if (RenamedSlugDiffers(post, wantedSlug))
            {
                var newSlug = Unique(wantedSlug, takenSlugs);
                var oldPath = "/posts/" + post.Slug;
                // Earlier redirects to the old address now point at the new one; a redirect from the new address would loop.
                await db.Redirects.Where(r => r.ToPath == oldPath).ExecuteUpdateAsync(x => x.SetProperty(r => r.ToPath, "/posts/" + newSlug), ct);
                await db.Redirects.Where(r => r.FromPath == "/posts/" + newSlug || r.FromPath == oldPath).ExecuteDeleteAsync(ct);
                db.Redirects.Add(new Redirect { FromPath = oldPath, ToPath = "/posts/" + newSlug, CreatedAt = now });
                post.Slug = newSlug;
                structureChanged = true;
                if (post.ContentHash == note.Hash && wasPublished == note.Publish)
                {
                    continue; // only moved: rendered again below with everything else
                }
            }
            if (wasPublished != note.Publish)
            {
                structureChanged = true;
                if (!note.Publish)
                {
                    post.Status = PostStatus.Draft;
                    post.ContentHash = note.Hash;
                    post.UpdatedAt = now;
                    log.Unpublished++;
                    continue;
                }
            }
            log.Updated++;
            changed.Add(note);
        }

        // 4. Render. A new, renamed or unpublished note can change how links elsewhere render, so then every note is rendered again.
        var links = new VaultLinks(notes, assets.Values);
        var toRender = structureChanged ? notes.Where(n => n.Publish && n.Post is not null).ToList() : changed;
        var categories = await CategoryWriter.LoadAsync(db, null, ct);
        foreach (var note in toRender)
        {
            Render(note, links, categories, log, now, counted: changed.Contains(note));
        }
        await db.SaveChangesAsync(ct);

        // 5. Backlinks: the links of every re-rendered note replace its old ones.
        foreach (var note in toRender)
        {
            var post = note.Post!;
            var targets = links.LinkedPostsOf(note.Key).Where(id => id != post.Id).ToHashSet();
            await db.PostLinks.Where(l => l.FromPostId == post.Id).ExecuteDeleteAsync(ct);
            db.PostLinks.AddRange(targets.Select(t => new PostLink { FromPostId = post.Id, ToPostId = t }));
        }
        await db.SaveChangesAsync(ct);
        // Search follows every post this import touched (each got UpdatedAt = now): created, updated, renamed, unpublished.
        await search.IndexAsync(posts.Concat(notes.Select(n => n.Post)).OfType<Post>().Where(p => p.UpdatedAt == now).Select(p => p.Id).ToHashSet(), ct);

        if (log.Created + log.Updated + log.Unpublished + log.Renamed > 0)
        {
            await changes.PublishedAsync(ct);
        }
        log.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        logger.LogInformation("Vault {Vault} imported: {Created} created, {Updated} updated, {Unchanged} unchanged, {Unpublished} unpublished, {Renamed} renamed, {Errors} errors in {Seconds}s",
            vault.Name, log.Created, log.Updated, log.Unchanged, log.Unpublished, log.Renamed, log.Errors.Count, log.Seconds);
        return log;

        // "note-2" stays "note-2" while another note holds "note"; only a different base name means the slug should move.
        static bool RenamedSlugDiffers(Post post, string wanted) =>
            post.Slug != wanted && !System.Text.RegularExpressions.Regex.IsMatch(post.Slug, "^" + System.Text.RegularExpressions.Regex.Escape(wanted) + "-[0-9]+$");
    }

    private void Render(Note note, VaultLinks links, CategoryWriter categories, ImportLog log, DateTime now, bool counted)
    {
        var post = note.Post!;
        var fm = note.FrontMatter;
        RenderResult result;
        try
        {
            result = renderer.Render(note.Source, links.For(note), links.Target(note));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Errors.Add(new ImportIssue(note.Path, $"Could not render: {ex.Message}"));
            return;
        }
        links.Record(note.Key, result.Links);
        foreach (var link in result.Links)
        {
            if (link.ResolvedKey is null && !link.Target.StartsWith("patch:", StringComparison.Ordinal) && !link.Target.StartsWith("album:", StringComparison.Ordinal))
            {
                if (counted || !log.UnresolvedLinks.Contains(new UnresolvedLink(note.Path, link.Target)))
                {
                    log.UnresolvedLinks.Add(new UnresolvedLink(note.Path, link.Target));
                }
            }
            else if (link.ResolvedKey is not null)
            {
                log.LinksResolved++;
            }
        }
        post.Title = Trim(fm.Title ?? note.Name, 300);
        post.Kind = KindOf(note.Path);
        post.Source = note.Source;
        post.Html = result.Html;
        post.PlainText = result.PlainText;
        post.WordCount = result.WordCount;
        post.TocJson = JsonSerializer.Serialize(result.Headings);
        post.Summary = Trim(fm.Summary ?? Summaries.From(result), 1000);
        post.Status = PostStatus.Published;
        post.PublishedAt = fm.Date is { } date ? DateTime.SpecifyKind(date, DateTimeKind.Utc) : post.PublishedAt ?? now;
        post.Featured = fm.Featured ?? false;
        post.Series = fm.Series;
        post.SeriesOrder = fm.Order;
        post.CoverUrl = fm.Cover is { Length: > 0 } cover ? links.AssetUrl(cover) ?? (Uri.TryCreate(cover, UriKind.Absolute, out _) ? cover : null) : null;
        post.Aliases = string.Join('\n', fm.Aliases);
        post.ContentHash = note.Hash;
        post.UpdatedAt = now;
        var tags = result.Tags.Select(t => Trim(t, 100)).Distinct(StringComparer.Ordinal).ToList();
        post.Tags.RemoveAll(t => !tags.Contains(t.Tag));
        foreach (var tag in tags.Where(t => post.Tags.All(x => x.Tag != t)))
        {
            post.Tags.Add(new PostTag { PostId = post.Id, Tag = tag });
        }
        categories.Set(post, note.Categories);
    }

    private static bool ShouldPublish(Vault vault, List<string> folders, Note note)
    {
        var fm = note.FrontMatter;
        if (fm.Draft == true)
        {
            return false;
        }
        return vault.PublishRule switch
        {
            "all" => fm.Publish != false,
            "folders" => fm.Publish != false && folders.Any(f => note.Path.StartsWith(f, StringComparison.OrdinalIgnoreCase)),
            _ => fm.Publish == true,
        };
    }

    /// <summary>Folder conventions decide the kind: <c>projects/</c>, <c>lessons/</c>, <c>pages/</c>; everything else is an article.</summary>
    private static PostKind KindOf(string path)
    {
        var top = path.Contains('/', StringComparison.Ordinal) ? path[..path.IndexOf('/', StringComparison.Ordinal)].ToLowerInvariant() : "";
        return top switch
        {
            "projects" or "portfolio" => PostKind.Project,
            "lessons" => PostKind.Lesson,
            "pages" => PostKind.Page,
            _ => PostKind.Article,
        };
    }

    private static IEnumerable<string> Files(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
            {
                // .obsidian, .git, .trash and every other hidden folder are not content
                if (!Path.GetFileName(sub).StartsWith('.'))
                {
                    pending.Push(sub);
                }
            }
            foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                if (!Path.GetFileName(file).StartsWith('.'))
                {
                    yield return file;
                }
            }
        }
    }

    private static string Unique(string slug, HashSet<string> taken)
    {
        var candidate = slug;
        for (var i = 2; !taken.Add(candidate); i++)
        {
            candidate = $"{slug}-{i}";
        }
        return candidate;
    }

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>Resolves names inside the vault the way Obsidian does, for one source note at a time.</summary>
    private sealed class VaultLinks
    {
        private readonly Dictionary<string, Note> _byKey = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<Note>> _byName = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, Asset> _assetsByPath = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<Asset>> _assetsByName = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, HashSet<Guid>> _linked = new(StringComparer.OrdinalIgnoreCase);

        public VaultLinks(IEnumerable<Note> notes, IEnumerable<Asset> assets)
        {
            foreach (var note in notes)
            {
                _byKey[note.Key] = note;
                foreach (var name in note.FrontMatter.Aliases.Append(note.Name))
                {
                    if (!_byName.TryGetValue(name, out var list))
                    {
                        _byName[name] = list = [];
                    }
                    list.Add(note);
                }
            }
            foreach (var asset in assets)
            {
                _assetsByPath[asset.VaultPath] = asset;
                if (!_assetsByName.TryGetValue(asset.FileName, out var list))
                {
                    _assetsByName[asset.FileName] = list = [];
                }
                list.Add(asset);
            }
        }

        public INoteLinks For(Note source) => new Resolver(this, source);

        /// <summary>The note itself, so a note embedding itself is caught at once.</summary>
        public NoteTarget Target(Note note) =>
            new(note.Key, note.FrontMatter.Title ?? note.Name, note.Publish && note.Post is { } post ? "/posts/" + Uri.EscapeDataString(post.Slug) : null);

        public void Record(string key, IReadOnlyList<LinkRef> refs)
        {
            var set = new HashSet<Guid>();
            foreach (var r in refs)
            {
                if (r.ResolvedKey is not null && _byKey.TryGetValue(r.ResolvedKey, out var target) && target.Post is { } post)
                {
                    set.Add(post.Id);
                }
            }
            _linked[key] = set;
        }

        public IEnumerable<Guid> LinkedPostsOf(string key) => _linked.TryGetValue(key, out var set) ? set : [];

        public string? AssetUrl(string name) => FindAsset(name, null) is { } a ? Url(a) : null;

        private static string Url(Asset a) => $"/assets/{a.Sha256}/{Uri.EscapeDataString(a.FileName)}";

        private Note? FindNote(string target, Note source)
        {
            var t = target.Trim().Replace('\\', '/');
            if (t.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            {
                t = t[..^3];
            }
            if (_byKey.TryGetValue(t.TrimStart('/'), out var exact))
            {
                return exact;
            }
            var name = t[(t.LastIndexOf('/') + 1)..];
            if (!_byName.TryGetValue(name, out var candidates))
            {
                return null;
            }
            if (candidates.Count == 1)
            {
                return candidates[0];
            }
            // Duplicate names: a partial path decides, else the note nearest the source (same folder), else the shortest path.
            var folder = source.Key.Contains('/', StringComparison.Ordinal) ? source.Key[..source.Key.LastIndexOf('/')] + "/" : "";
            return candidates.FirstOrDefault(c => t.Contains('/', StringComparison.Ordinal) && c.Key.EndsWith(t, StringComparison.OrdinalIgnoreCase))
                ?? candidates.FirstOrDefault(c => c.Key.StartsWith(folder, StringComparison.OrdinalIgnoreCase) && !c.Key[folder.Length..].Contains('/', StringComparison.Ordinal))
                ?? candidates.OrderBy(c => c.Key.Length).ThenBy(c => c.Key, StringComparer.Ordinal).First();
        }

        private Asset? FindAsset(string target, Note? source)
        {
            var t = target.Trim().Replace('\\', '/').TrimStart('/');
            if (_assetsByPath.TryGetValue(t, out var exact))
            {
                return exact;
            }
            if (source is not null && source.Key.Contains('/', StringComparison.Ordinal)
                && _assetsByPath.TryGetValue(source.Key[..(source.Key.LastIndexOf('/') + 1)] + t, out var relative))
            {
                return relative;
            }
            return _assetsByName.TryGetValue(t[(t.LastIndexOf('/') + 1)..], out var list) ? list.OrderBy(a => a.VaultPath.Length).First() : null;
        }

        private sealed class Resolver(VaultLinks links, Note source) : INoteLinks
        {
            public NoteTarget? ResolveNote(string target) =>
                links.FindNote(target, source) is { } note ? links.Target(note) : null;

            public AssetTarget? ResolveAsset(string target) =>
                links.FindAsset(target, source) is { } asset ? new AssetTarget(asset.FileName, Url(asset), AssetKinds.Of(asset.FileName)) : null;

            public string? LoadSource(NoteTarget note) => links._byKey.TryGetValue(note.Key, out var n) ? n.Source : null;

        }
    }
}
