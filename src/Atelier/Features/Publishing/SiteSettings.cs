using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Atelier.Platform.Cluster;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

/// <summary>A link in the site's menu or among its social profiles.</summary>
public sealed record SiteLink(string Label, string Url);

/// <summary>What the owner says about the site: its name, description, menu and social profiles.</summary>
public sealed record SiteSettings(string Title, string? Description, IReadOnlyList<SiteLink> Menu, IReadOnlyList<SiteLink> Social)
{
    public const int MaxLinks = 12;
    public const int MaxLabel = 40;

    public static readonly IReadOnlyList<SiteLink> DefaultMenu =
    [
        new("Posts", "/posts"), new("Projects", "/projects"), new("Categories", "/categories"), new("Archive", "/archive"), new("Search", "/search"),
    ];

    /// <summary>
    /// Links one per line, <c>Label | URL</c>; the URL is a path on this site, an http(s) address or (for social links)
    /// a mailto: address. Null with the reason when a line is not right.
    /// </summary>
    public static List<SiteLink>? ParseLinks(string? text, bool allowMail, out string? error)
    {
        error = null;
        var links = new List<SiteLink>();
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bar = line.LastIndexOf('|');
            var label = bar < 0 ? "" : line[..bar].Trim();
            var url = bar < 0 ? "" : line[(bar + 1)..].Trim();
            if (label.Length is 0 or > MaxLabel || url.Length is 0 or > 500)
            {
                error = $"\"{line}\": write a label (up to {MaxLabel} characters), a bar and the address, e.g. Posts | /posts.";
                return null;
            }
            if (!IsSafeUrl(url, allowMail))
            {
                error = $"\"{url}\" is not a path on this site (/…) or a web address (https://…){(allowMail ? " or a mailto: address" : "")}.";
                return null;
            }
            links.Add(new SiteLink(label, url));
        }
        if (links.Count > MaxLinks)
        {
            error = $"At most {MaxLinks} links.";
            return null;
        }
        return links;
    }

    public static string FormatLinks(IEnumerable<SiteLink> links) => string.Join('\n', links.Select(l => $"{l.Label} | {l.Url}"));

    private static bool IsSafeUrl(string url, bool allowMail) => url switch
    {
        ['/', '/', ..] or ['/', '\\', ..] => false,
        ['/', ..] => !url.Any(char.IsWhiteSpace),
        _ => Uri.TryCreate(url, UriKind.Absolute, out var u)
            && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp || (allowMail && u.Scheme == Uri.UriSchemeMailto)),
    };
}

/// <summary>One stored value of the site's settings (a JSON document under a key).</summary>
internal sealed class StoredSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class StoredSettingConfiguration : IEntityTypeConfiguration<StoredSetting>
{
    public void Configure(EntityTypeBuilder<StoredSetting> b)
    {
        b.ToTable("publishing_settings");
        b.HasKey(s => s.Key);
        b.Property(s => s.Key).HasMaxLength(100);
    }
}

/// <summary>
/// The site settings, read from the database once and kept in memory; saving drops that copy (and the cached pages)
/// on every instance.
/// </summary>
internal sealed class SiteSettingsStore(IDbContextFactory<AppDb> factory, IConfiguration config, IClusterBus bus, ContentChanges changes)
{
    public const string Channel = "settings";
    private const string Key = "site";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile SiteSettings? _current;

    /// <summary>What applies before the owner saved anything: the title from <c>Atelier:Site:Title</c> and the default menu.</summary>
    public SiteSettings Defaults => new(
        config["Atelier:Site:Title"] is { Length: > 0 } title ? title.Trim() : Site.DefaultTitle, null, SiteSettings.DefaultMenu, []);

    public async ValueTask<SiteSettings> GetAsync(CancellationToken ct)
    {
        if (_current is { } current)
        {
            return current;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var stored = await db.Settings.AsNoTracking().Where(s => s.Key == Key).Select(s => s.Value).SingleOrDefaultAsync(ct);
        var settings = stored is null ? Defaults : JsonSerializer.Deserialize<SiteSettings>(stored, Json) ?? Defaults;
        _current = settings;
        return settings;
    }

    public async Task SaveAsync(SiteSettings settings, TimeProvider time, CancellationToken ct)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var value = JsonSerializer.Serialize(settings, Json);
            var row = await db.Settings.SingleOrDefaultAsync(s => s.Key == Key, ct);
            if (row is null)
            {
                db.Settings.Add(new StoredSetting { Key = Key, Value = value, UpdatedAt = time.GetUtcNow().UtcDateTime });
            }
            else
            {
                row.Value = value;
                row.UpdatedAt = time.GetUtcNow().UtcDateTime;
            }
            await db.SaveChangesAsync(ct);
        }
        await bus.PublishAsync(Channel, "", ct);
        await changes.PublishedAsync(ct);
    }

    internal void Forget() => _current = null;

    /// <summary>Another instance (or this one) saved the settings: read them again when next needed.</summary>
    internal sealed class Handler(SiteSettingsStore store) : IClusterHandler
    {
        public string Channel => SiteSettingsStore.Channel;

        public Task HandleAsync(string? payload, CancellationToken ct)
        {
            store.Forget();
            return Task.CompletedTask;
        }
    }
}
