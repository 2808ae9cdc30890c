using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Atelier.Features.Studio;

/// <summary>Who may open a patch: only its owner, anyone with the link, or everyone (listed).</summary>
public enum PatchVisibility { Private, Unlisted, Public }

/// <summary>A studio patch: the current document (JSON, see docs/patch-format.md) and what the list shows.</summary>
internal sealed class Patch
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OwnerId { get; set; }
    public required string Name { get; set; }

    /// <summary>Unique across the site; names the patch in embeds (<c>/embed/patch/{slug}</c>, <c>![[patch:slug]]</c>).</summary>
    public required string Slug { get; set; }
    public string Description { get; set; } = "";
    public PatchVisibility Visibility { get; set; }

    /// <summary>The validated patch document as stored (JSON text).</summary>
    public required string Document { get; set; }

    /// <summary>The number of the newest version (1 after creation); a save names the version it started from.</summary>
    public int Version { get; set; }
    public int NodeCount { get; set; }
    public Guid? ForkedFromId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A saved state of a patch, restorable; the newest equals <see cref="Patch.Document"/>.</summary>
internal sealed class PatchVersion
{
    public Guid PatchId { get; set; }
    public int Number { get; set; }
    public required string Name { get; set; }
    public required string Document { get; set; }
    public int NodeCount { get; set; }
    public Guid AuthorId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class PatchConfiguration : IEntityTypeConfiguration<Patch>
{
    public void Configure(EntityTypeBuilder<Patch> b)
    {
        b.ToTable("studio_patches");
        b.HasKey(p => p.Id);
        b.Property(p => p.Name).HasMaxLength(PatchLimits.MaxName);
        b.Property(p => p.Slug).HasMaxLength(PatchLimits.MaxSlug);
        b.Property(p => p.Description).HasMaxLength(PatchLimits.MaxDescription);
        b.Property(p => p.Visibility).HasConversion<string>().HasMaxLength(16);
        // A save updates the row only while it still holds the version the save read (PatchService.SaveVersionAsync).
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasIndex(p => p.Slug).IsUnique();
        b.HasIndex(p => new { p.OwnerId, p.UpdatedAt });
        b.HasIndex(p => new { p.Visibility, p.UpdatedAt });
        b.HasOne<Accounts.User>().WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PatchVersionConfiguration : IEntityTypeConfiguration<PatchVersion>
{
    public void Configure(EntityTypeBuilder<PatchVersion> b)
    {
        b.ToTable("studio_patch_versions");
        b.HasKey(v => new { v.PatchId, v.Number });
        b.Property(v => v.Name).HasMaxLength(PatchLimits.MaxName);
        b.HasOne<Patch>().WithMany().HasForeignKey(v => v.PatchId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Sizes the patches API and the validator enforce (docs/patch-format.md).</summary>
public static class PatchLimits
{
    public const int MaxName = 100;
    public const int MaxSlug = 80;
    public const int MaxDescription = 2000;
    public const int MaxNodes = 2000;
    public const int MaxDocumentBytes = 1024 * 1024;
}
