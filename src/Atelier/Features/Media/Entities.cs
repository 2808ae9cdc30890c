using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Atelier.Features.Media.Processing;

namespace Atelier.Features.Media;

public enum MediaStatus { Processing, Ready, Failed }

/// <summary>Public items are served to anyone; private ones only to their owner and admins.</summary>
public enum MediaVisibility { Public, Private }

/// <summary>An uploaded file and what processing learned about it.</summary>
internal sealed class MediaItem
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OwnerId { get; set; }
    public MediaKind Kind { get; set; }
    public MediaStatus Status { get; set; } = MediaStatus.Processing;
    public string? FailureReason { get; set; }

    /// <summary>The cleaned name the original is served under (never a path from the request).</summary>
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public string? Title { get; set; }
    public string? Alt { get; set; }
    public string? Caption { get; set; }

    /// <summary>Lower-case tags between single spaces, with a space at each end (" live techno "), so a tag filter is one LIKE.</summary>
    public string Tags { get; set; } = " ";
    public MediaVisibility Visibility { get; set; } = MediaVisibility.Public;
    public int? Width { get; set; }
    public int? Height { get; set; }
    public double? DurationSeconds { get; set; }

    /// <summary>What processing found, as the JSON object the API shows.</summary>
    public string Metadata { get; set; } = "{}";

    /// <summary>Processing steps that could not run (a tool is missing), as a JSON array of sentences.</summary>
    public string Skipped { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public List<MediaFile> Files { get; set; } = [];
}

/// <summary>
/// A file of an item, served at <c>/media/{item}/{Name}</c>: the original, a variant processing made, or a glTF's
/// resource. Bytes live in the blob store under <see cref="Sha256"/>.
/// </summary>
internal sealed class MediaFile
{
    public const string Original = "original";

    /// <summary>Uploaded with the item (a glTF's .bin and textures) and handed to processing; not served as such.</summary>
    public const string Companion = "companion";

    /// <summary>A companion the glTF refers to, served next to it.</summary>
    public const string Resource = "resource";

    public Guid MediaId { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
}

internal sealed class Album
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OwnerId { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public Guid? CoverId { get; set; }
    public MediaVisibility Visibility { get; set; } = MediaVisibility.Public;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<AlbumItem> Items { get; set; } = [];
}

internal sealed class AlbumItem
{
    public Guid AlbumId { get; set; }
    public Guid MediaId { get; set; }
    public int Position { get; set; }
    public string? Caption { get; set; }
}

internal sealed class MediaItemConfiguration : IEntityTypeConfiguration<MediaItem>
{
    public void Configure(EntityTypeBuilder<MediaItem> b)
    {
        b.ToTable("media_items");
        b.HasKey(m => m.Id);
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Visibility).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.FailureReason).HasMaxLength(2000);
        b.Property(m => m.FileName).HasMaxLength(200);
        b.Property(m => m.ContentType).HasMaxLength(100);
        b.Property(m => m.Sha256).HasMaxLength(64);
        b.Property(m => m.Title).HasMaxLength(300);
        b.Property(m => m.Alt).HasMaxLength(1000);
        b.Property(m => m.Caption).HasMaxLength(2000);
        b.Property(m => m.Tags).HasMaxLength(1000);
        b.HasIndex(m => new { m.OwnerId, m.CreatedAt });
        b.HasIndex(m => new { m.Kind, m.CreatedAt });
        b.HasIndex(m => m.Sha256);
        b.HasMany(m => m.Files).WithOne().HasForeignKey(f => f.MediaId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MediaFileConfiguration : IEntityTypeConfiguration<MediaFile>
{
    public void Configure(EntityTypeBuilder<MediaFile> b)
    {
        b.ToTable("media_files");
        b.HasKey(f => new { f.MediaId, f.Name });
        b.Property(f => f.Name).HasMaxLength(200);
        b.Property(f => f.Role).HasMaxLength(16);
        b.Property(f => f.ContentType).HasMaxLength(100);
        b.Property(f => f.Sha256).HasMaxLength(64);
        b.HasIndex(f => f.Sha256);
    }
}

internal sealed class AlbumConfiguration : IEntityTypeConfiguration<Album>
{
    public void Configure(EntityTypeBuilder<Album> b)
    {
        b.ToTable("media_albums");
        b.HasKey(a => a.Id);
        b.Property(a => a.Slug).HasMaxLength(200);
        b.Property(a => a.Title).HasMaxLength(300);
        b.Property(a => a.Description).HasMaxLength(4000);
        b.Property(a => a.Visibility).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(a => a.Slug).IsUnique();
        b.HasIndex(a => new { a.OwnerId, a.CreatedAt });
        b.HasOne<MediaItem>().WithMany().HasForeignKey(a => a.CoverId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(a => a.Items).WithOne().HasForeignKey(i => i.AlbumId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlbumItemConfiguration : IEntityTypeConfiguration<AlbumItem>
{
    public void Configure(EntityTypeBuilder<AlbumItem> b)
    {
        b.ToTable("media_album_items");
        b.HasKey(i => new { i.AlbumId, i.MediaId });
        b.Property(i => i.Caption).HasMaxLength(2000);
        b.HasIndex(i => new { i.AlbumId, i.Position });
        b.HasIndex(i => i.MediaId);
        b.HasOne<MediaItem>().WithMany().HasForeignKey(i => i.MediaId).OnDelete(DeleteBehavior.Cascade);
    }
}
