using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

/// <summary>One level of a category path: its key ("music/synthesis"), its name as written ("Synthesis") and the key above.</summary>
internal sealed record CategoryLevel(string Key, string Name, string? ParentKey);

/// <summary>A category path as written ("Music/Synthesis/FM", '/' between levels), read into its levels.</summary>
internal sealed record CategoryPath(string Key, IReadOnlyList<CategoryLevel> Levels)
{
    public const int MaxCount = 10;
    public const int MaxLength = 200;
    public const int MaxLevels = 5;

    /// <summary>The path, or null with the reason it cannot be a category.</summary>
    public static CategoryPath? Parse(string? written, out string? error)
    {
        var levels = (written ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        error = levels.Length == 0 ? "A category needs a name."
            : written!.Length > MaxLength ? $"'{written[..40]}…' is longer than {MaxLength} characters."
            : levels.Length > MaxLevels ? $"'{written}' has more than {MaxLevels} levels."
            : levels.FirstOrDefault(l => !l.Any(char.IsLetterOrDigit)) is { } bad ? $"'{written}': the level '{bad}' has no letters or digits."
            : null;
        if (error is not null)
        {
            return null;
        }
        var result = new List<CategoryLevel>(levels.Length);
        string? parent = null;
        foreach (var level in levels)
        {
            var key = parent is null ? Slugs.From(level) : parent + "/" + Slugs.From(level);
            result.Add(new CategoryLevel(key, level, parent));
            parent = key;
        }
        // Unicode normalization can, rarely, turn one character into two, so the key may be longer than the text.
        if (parent!.Length > MaxLength)
        {
            error = $"'{written}' is longer than {MaxLength} characters.";
            return null;
        }
        return new CategoryPath(parent, result);
    }

    /// <summary>The paths of a note's front matter; what cannot be used is told to <paramref name="problem"/> and left out.</summary>
    public static List<CategoryPath> ParseAll(IEnumerable<string> written, Action<string> problem)
    {
        var paths = new List<CategoryPath>();
        foreach (var w in written)
        {
            if (Parse(w, out var error) is not { } path)
            {
                problem($"Category ignored: {error}");
            }
            else if (paths.All(p => p.Key != path.Key))
            {
                if (paths.Count == MaxCount)
                {
                    problem($"Only the first {MaxCount} categories are used.");
                    break;
                }
                paths.Add(path);
            }
        }
        return paths;
    }

    /// <summary>The public page of a category: each level percent-encoded, the slashes kept.</summary>
    public static string Url(string key) => "/categories/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}

internal static class CategoryFilter
{
    /// <summary>Posts filed under the category with this key or any category below it.</summary>
    public static IQueryable<Post> InCategory(this IQueryable<Post> posts, string path)
    {
        var below = path + "/";
        return posts.Where(p => p.Categories.Any(c => c.Path == path || c.Path.StartsWith(below)));
    }
}

/// <summary>Validates <c>categories</c> of a request: each one a path <see cref="CategoryPath.Parse"/> accepts.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class CategoryPathsAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        foreach (var written in value as IEnumerable<string?> ?? [])
        {
            if (CategoryPath.Parse(written, out var error) is null)
            {
                return new ValidationResult(error);
            }
        }
        return ValidationResult.Success;
    }
}

/// <summary>Files posts under categories, creating a category and the levels above it the first time one is used.</summary>
internal sealed class CategoryWriter
{
    private readonly AppDb _db;
    private readonly Dictionary<string, Category> _known;

    private CategoryWriter(AppDb db, Dictionary<string, Category> known) => (_db, _known) = (db, known);

    /// <summary>The writer with the categories of these keys loaded (all of them when null), tracked for updates.</summary>
    public static async Task<CategoryWriter> LoadAsync(AppDb db, IReadOnlyCollection<string>? keys, CancellationToken ct)
    {
        var query = keys is null ? db.Categories : db.Categories.Where(c => keys.Contains(c.Path));
        return new CategoryWriter(db, await query.ToDictionaryAsync(c => c.Path, StringComparer.Ordinal, ct));
    }

    /// <summary>
    /// Files a post written through the API under exactly these categories (the request was validated, so every one parses).
    /// </summary>
    public static async Task SetAsync(AppDb db, Post post, IEnumerable<string>? written, CancellationToken ct)
    {
        var paths = CategoryPath.ParseAll(written ?? [], _ => { });
        var entry = db.Entry(post);
        if (entry.State != EntityState.Detached && !entry.Collection(p => p.Categories).IsLoaded)
        {
            await entry.Collection(p => p.Categories).LoadAsync(ct);
        }
        var writer = await LoadAsync(db, paths.SelectMany(p => p.Levels).Select(l => l.Key).ToHashSet(StringComparer.Ordinal), ct);
        writer.Set(post, paths);
    }

    /// <summary>Makes the post's categories exactly these; the post's <see cref="Post.Categories"/> must be loaded.</summary>
    public void Set(Post post, IReadOnlyList<CategoryPath> paths)
    {
        foreach (var level in paths.SelectMany(p => p.Levels))
        {
            if (!_known.TryGetValue(level.Key, out var category))
            {
                category = new Category { Path = level.Key, Name = level.Name, ParentPath = level.ParentKey };
                _db.Categories.Add(category);
                _known[level.Key] = category;
            }
            else if (category.Name != level.Name && level.Name != level.Key[(level.Key.LastIndexOf('/') + 1)..])
            {
                // The name as most recently written, unless written as its plain key ("music" keeps the name "Music"),
                // so a client sending back the keys it was given does not undo the names.
                category.Name = level.Name;
            }
        }
        var keys = paths.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        post.Categories.RemoveAll(c => !keys.Contains(c.Path));
        foreach (var key in keys.Where(k => post.Categories.All(c => c.Path != k)))
        {
            post.Categories.Add(new PostCategory { PostId = post.Id, Path = key });
        }
    }
}

public sealed record CategoryLink(string Name, string Url);

/// <summary>A category with visible posts: <paramref name="Count"/> counts those filed under it and under every category below.</summary>
public sealed record CategoryNode(string Path, string Name, int Count, IReadOnlyList<CategoryNode> Children)
{
    public string Url => CategoryPath.Url(Path);
}

/// <summary>The categories the public sees: those with visible posts in them or below them.</summary>
internal sealed class CategoryTree
{
    private readonly Dictionary<string, CategoryNode> _byPath = new(StringComparer.Ordinal);

    public IReadOnlyList<CategoryNode> Roots { get; }

    public IEnumerable<CategoryNode> All => _byPath.Values;

    private CategoryTree(List<(string Path, string Name, string? ParentPath)> categories, List<(Guid PostId, string Path)> filed)
    {
        var posts = new Dictionary<string, HashSet<Guid>>(StringComparer.Ordinal);
        foreach (var (postId, path) in filed)
        {
            // A post counts once under each level above its category, however many of its categories share that level.
            foreach (var key in Prefixes(path))
            {
                if (!posts.TryGetValue(key, out var set))
                {
                    posts[key] = set = [];
                }
                set.Add(postId);
            }
        }
        var children = categories.Where(c => posts.ContainsKey(c.Path)).ToLookup(c => c.ParentPath ?? "", StringComparer.Ordinal);
        Roots = Nodes("");

        List<CategoryNode> Nodes(string parent) => children[parent]
            .OrderBy(c => c.Name, StringComparer.InvariantCultureIgnoreCase).ThenBy(c => c.Path, StringComparer.Ordinal)
            .Select(c => _byPath[c.Path] = new CategoryNode(c.Path, c.Name, posts[c.Path].Count, Nodes(c.Path)))
            .ToList();
    }

    public static async Task<CategoryTree> LoadAsync(AppDb db, DateTime now, CancellationToken ct)
    {
        var categories = await db.Categories.AsNoTracking().Select(c => new { c.Path, c.Name, c.ParentPath }).ToListAsync(ct);
        var visible = db.Posts.VisibleAt(now);
        var filed = await db.PostCategories.AsNoTracking().Where(c => visible.Any(p => p.Id == c.PostId))
            .Select(c => new { c.PostId, c.Path }).ToListAsync(ct);
        return new CategoryTree(categories.Select(c => (c.Path, c.Name, c.ParentPath)).ToList(), filed.Select(f => (f.PostId, f.Path)).ToList());
    }

    public CategoryNode? Find(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>The categories from the top down to this one.</summary>
    public IReadOnlyList<CategoryNode> Trail(string path) => Prefixes(path).Reverse().Select(Find).OfType<CategoryNode>().ToList();

    /// <summary>One post's categories, each as the links from the top level down, ordered by those names.</summary>
    public static async Task<List<IReadOnlyList<CategoryLink>>> TrailsOfAsync(AppDb db, Guid postId, CancellationToken ct)
    {
        var paths = await db.PostCategories.AsNoTracking().Where(c => c.PostId == postId).Select(c => c.Path).ToListAsync(ct);
        if (paths.Count == 0)
        {
            return [];
        }
        var keys = paths.SelectMany(Prefixes).ToHashSet(StringComparer.Ordinal);
        var names = await db.Categories.AsNoTracking().Where(c => keys.Contains(c.Path)).ToDictionaryAsync(c => c.Path, c => c.Name, StringComparer.Ordinal, ct);
        return paths
            .Select(p => (IReadOnlyList<CategoryLink>)Prefixes(p).Reverse().Select(k => new CategoryLink(names.GetValueOrDefault(k) ?? k, CategoryPath.Url(k))).ToList())
            .OrderBy(t => string.Join('/', t.Select(l => l.Name)), StringComparer.InvariantCultureIgnoreCase)
            .ToList();
    }

    /// <summary>"a/b/c", "a/b", "a".</summary>
    private static IEnumerable<string> Prefixes(string path)
    {
        for (var end = path.Length; end > 0; end = path.LastIndexOf('/', end - 1))
        {
            yield return path[..end];
        }
    }
}
