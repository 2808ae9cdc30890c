using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Atelier.Features.Publishing;

public enum PostKind { Article, Project, Page, Lesson }

/// <summary>Draft: only authors see it. Published with a future date: scheduled, public from that moment.</summary>
public enum PostStatus { Draft, Published }

/// <summary>A piece of content: article, portfolio project, page or lesson; written in the admin or imported from a vault note.</summary>
internal sealed class Post
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public PostKind Kind { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public string? Summary { get; set; }
    /// <summary>The Markdown as written, front matter included.</summary>
    public string Source { get; set; } = "";
    /// <summary>Sanitized HTML, re-rendered when the source or a linked note changes.</summary>
    public string Html { get; set; } = "";
    public string PlainText { get; set; } = "";
    public int WordCount { get; set; }
    /// <summary>Headings for the table of contents, as JSON.</summary>
    public string TocJson { get; set; } = "[]";
    public PostStatus Status { get; set; }
    public DateTime? PublishedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? CoverUrl { get; set; }
    public bool Featured { get; set; }
    public string? Series { get; set; }
    public int? SeriesOrder { get; set; }
    public Guid? AuthorId { get; set; }
    public string? SeoTitle { get; set; }
    public string? SeoDescription { get; set; }

    /// <summary>Where an imported post comes from: its vault and path inside it (null for posts written in the admin).</summary>
    public Guid? VaultId { get; set; }
    public string? VaultPath { get; set; }
    /// <summary>SHA-256 of the note's bytes at the last import: unchanged notes are skipped.</summary>
    public string? ContentHash { get; set; }
    /// <summary>Obsidian aliases, one per line: <c>[[alias]]</c> links resolve to this post.</summary>
    public string Aliases { get; set; } = "";

    public List<PostTag> Tags { get; set; } = [];
    public List<PostCategory> Categories { get; set; } = [];
}

/// <summary>A post as it was before an edit; restoring one makes it the current text again.</summary>
internal sealed class PostRevision
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PostId { get; set; }
    public required string Title { get; set; }
    public required string Source { get; set; }
    public Guid? AuthorId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal static class PostVisibility
{
    /// <summary>What the public may see: published posts whose date has come (a future date means scheduled).</summary>
    public static IQueryable<Post> VisibleAt(this IQueryable<Post> posts, DateTime now) =>
        posts.Where(p => p.Status == PostStatus.Published && p.PublishedAt <= now);
}

internal sealed class PostTag
{
    public Guid PostId { get; set; }
    public required string Tag { get; set; }
}

/// <summary>
/// A category: a path of levels ("Music/Synthesis/FM"), keyed by the levels' slugs ("music/synthesis/fm"). Every level
/// above a category is a category too ("music/synthesis", "music").
/// </summary>
internal sealed class Category
{
    public required string Path { get; set; }
    /// <summary>The last level as written ("FM").</summary>
    public required string Name { get; set; }
    /// <summary>The level above; null at the top.</summary>
    public string? ParentPath { get; set; }
}

/// <summary>A post filed under a category (and so, for listings, under every category above it).</summary>
internal sealed class PostCategory
{
    public Guid PostId { get; set; }
    public required string Path { get; set; }
}

/// <summary>A resolved link between two posts, for backlinks.</summary>
internal sealed class PostLink
{
    public Guid FromPostId { get; set; }
    public Guid ToPostId { get; set; }
}

/// <summary>An old URL path that now lives elsewhere (a renamed note or a changed slug): answered with 301.</summary>
internal sealed class Redirect
{
    public required string FromPath { get; set; }
    public required string ToPath { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A file attached to notes (image, audio, video, PDF, model), stored content-addressed under the data folder.</summary>
internal sealed class Asset
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? VaultId { get; set; }
    public required string VaultPath { get; set; }
    public required string FileName { get; set; }
    public required string Sha256 { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class Vault
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string SourceKind { get; set; } = "folder";
    public required string SourcePath { get; set; }
    public string? Branch { get; set; }
    /// <summary><c>frontmatter</c> (publish: true), <c>all</c>, or <c>folders</c> (only notes under <see cref="Folders"/>).</summary>
    public string PublishRule { get; set; } = "frontmatter";
    /// <summary>Folder allow-list, one per line, for the <c>folders</c> rule.</summary>
    public string Folders { get; set; } = "";
    /// <summary>Shared secret for the push webhook's HMAC-SHA256 signature (Git sources).</summary>
    public string? WebhookSecret { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class VaultImport
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid VaultId { get; set; }
    public string Status { get; set; } = "queued";
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>The <see cref="ImportLog"/> as JSON.</summary>
    public string LogJson { get; set; } = "{}";
}

internal sealed class PublishingConfiguration :
    IEntityTypeConfiguration<Post>, IEntityTypeConfiguration<PostTag>, IEntityTypeConfiguration<PostLink>,
    IEntityTypeConfiguration<Redirect>, IEntityTypeConfiguration<Asset>, IEntityTypeConfiguration<Vault>, IEntityTypeConfiguration<VaultImport>,
    IEntityTypeConfiguration<PostRevision>, IEntityTypeConfiguration<Category>, IEntityTypeConfiguration<PostCategory>
{
    public void Configure(EntityTypeBuilder<Category> b)
    {
        b.ToTable("publishing_categories");
        b.HasKey(c => c.Path);
        b.Property(c => c.Path).HasMaxLength(CategoryPath.MaxLength);
        b.Property(c => c.Name).HasMaxLength(CategoryPath.MaxLength);
        b.Property(c => c.ParentPath).HasMaxLength(CategoryPath.MaxLength);
        b.HasOne<Category>().WithMany().HasForeignKey(c => c.ParentPath).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<PostCategory> b)
    {
        b.ToTable("publishing_post_categories");
        b.HasKey(c => new { c.PostId, c.Path });
        b.Property(c => c.Path).HasMaxLength(CategoryPath.MaxLength);
        b.HasIndex(c => c.Path);
        b.HasOne<Category>().WithMany().HasForeignKey(c => c.Path).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PostRevision> b)
    {
        b.ToTable("publishing_post_revisions");
        b.HasKey(r => r.Id);
        b.Property(r => r.Title).HasMaxLength(300);
        b.HasIndex(r => new { r.PostId, r.CreatedAt });
        b.HasOne<Post>().WithMany().HasForeignKey(r => r.PostId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Post> b)
    {
        b.ToTable("publishing_posts");
        b.HasKey(p => p.Id);
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Slug).HasMaxLength(200);
        b.Property(p => p.Title).HasMaxLength(300);
        b.Property(p => p.Summary).HasMaxLength(1000);
        b.Property(p => p.CoverUrl).HasMaxLength(1000);
        b.Property(p => p.Series).HasMaxLength(200);
        b.Property(p => p.SeoTitle).HasMaxLength(300);
        b.Property(p => p.SeoDescription).HasMaxLength(1000);
        b.Property(p => p.VaultPath).HasMaxLength(1000);
        b.Property(p => p.ContentHash).HasMaxLength(64);
        b.HasIndex(p => p.Slug).IsUnique();
        b.HasIndex(p => new { p.Status, p.PublishedAt, p.Id });
        b.HasIndex(p => new { p.VaultId, p.VaultPath });
        b.HasIndex(p => new { p.VaultId, p.Series, p.SeriesOrder });
        b.HasMany(p => p.Tags).WithOne().HasForeignKey(t => t.PostId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Categories).WithOne().HasForeignKey(c => c.PostId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PostTag> b)
    {
        b.ToTable("publishing_post_tags");
        b.HasKey(t => new { t.PostId, t.Tag });
        b.Property(t => t.Tag).HasMaxLength(100);
        b.HasIndex(t => t.Tag);
    }

    public void Configure(EntityTypeBuilder<PostLink> b)
    {
        b.ToTable("publishing_post_links");
        b.HasKey(l => new { l.FromPostId, l.ToPostId });
        b.HasIndex(l => l.ToPostId);
        b.HasOne<Post>().WithMany().HasForeignKey(l => l.FromPostId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Post>().WithMany().HasForeignKey(l => l.ToPostId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Redirect> b)
    {
        b.ToTable("publishing_redirects");
        b.HasKey(r => r.FromPath);
        b.Property(r => r.FromPath).HasMaxLength(400);
        b.Property(r => r.ToPath).HasMaxLength(400);
    }

    public void Configure(EntityTypeBuilder<Asset> b)
    {
        b.ToTable("publishing_assets");
        b.HasKey(a => a.Id);
        b.Property(a => a.VaultPath).HasMaxLength(1000);
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.HasIndex(a => new { a.VaultId, a.VaultPath });
        b.HasIndex(a => a.Sha256);
    }

    public void Configure(EntityTypeBuilder<Vault> b)
    {
        b.ToTable("publishing_vaults");
        b.HasKey(v => v.Id);
        b.Property(v => v.Name).HasMaxLength(200);
        b.Property(v => v.SourceKind).HasMaxLength(16);
        b.Property(v => v.SourcePath).HasMaxLength(1000);
        b.Property(v => v.Branch).HasMaxLength(200);
        b.Property(v => v.PublishRule).HasMaxLength(16);
        b.Property(v => v.WebhookSecret).HasMaxLength(100);
        b.HasIndex(v => v.Name).IsUnique();
    }

    public void Configure(EntityTypeBuilder<VaultImport> b)
    {
        b.ToTable("publishing_vault_imports");
        b.HasKey(i => i.Id);
        b.Property(i => i.Status).HasMaxLength(16);
        b.HasIndex(i => new { i.VaultId, i.CreatedAt });
        b.HasOne<Vault>().WithMany().HasForeignKey(i => i.VaultId).OnDelete(DeleteBehavior.Cascade);
    }
}
