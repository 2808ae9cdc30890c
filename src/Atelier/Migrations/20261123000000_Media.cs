using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

/// <summary>The media library: items, their files (original, variants, resources), albums and their ordered items.</summary>
[DbContext(typeof(AppDb))]
[Migration("20261123000000_Media")]
public sealed class Media : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("media_items", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            OwnerId = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(maxLength: 16, nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            FailureReason = t.Column<string>(maxLength: 2000, nullable: true),
            FileName = t.Column<string>(maxLength: 200, nullable: false),
            ContentType = t.Column<string>(maxLength: 100, nullable: false),
            Size = t.Column<long>(nullable: false),
            Sha256 = t.Column<string>(maxLength: 64, nullable: false),
            Title = t.Column<string>(maxLength: 300, nullable: true),
            Alt = t.Column<string>(maxLength: 1000, nullable: true),
            Caption = t.Column<string>(maxLength: 2000, nullable: true),
            Tags = t.Column<string>(maxLength: 1000, nullable: false),
            Visibility = t.Column<string>(maxLength: 16, nullable: false),
            Width = t.Column<int>(nullable: true),
            Height = t.Column<int>(nullable: true),
            DurationSeconds = t.Column<double>(nullable: true),
            Metadata = t.Column<string>(nullable: false),
            Skipped = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
            UpdatedAt = t.Column<DateTime>(nullable: false),
            ProcessedAt = t.Column<DateTime>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_media_items", x => x.Id));
        m.CreateIndex("IX_media_items_OwnerId_CreatedAt", "media_items", ["OwnerId", "CreatedAt"]);
        m.CreateIndex("IX_media_items_Kind_CreatedAt", "media_items", ["Kind", "CreatedAt"]);
        m.CreateIndex("IX_media_items_Sha256", "media_items", "Sha256");

        m.CreateTable("media_files", t => new
        {
            MediaId = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(maxLength: 200, nullable: false),
            Role = t.Column<string>(maxLength: 16, nullable: false),
            ContentType = t.Column<string>(maxLength: 100, nullable: false),
            Size = t.Column<long>(nullable: false),
            Sha256 = t.Column<string>(maxLength: 64, nullable: false),
            Width = t.Column<int>(nullable: true),
            Height = t.Column<int>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_media_files", x => new { x.MediaId, x.Name });
            t.ForeignKey("FK_media_files_media_items_MediaId", x => x.MediaId, "media_items", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_media_files_Sha256", "media_files", "Sha256");

        m.CreateTable("media_albums", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            OwnerId = t.Column<Guid>(nullable: false),
            Slug = t.Column<string>(maxLength: 200, nullable: false),
            Title = t.Column<string>(maxLength: 300, nullable: false),
            Description = t.Column<string>(maxLength: 4000, nullable: true),
            CoverId = t.Column<Guid>(nullable: true),
            Visibility = t.Column<string>(maxLength: 16, nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
            UpdatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_media_albums", x => x.Id);
            t.ForeignKey("FK_media_albums_media_items_CoverId", x => x.CoverId, "media_items", "Id", onDelete: ReferentialAction.SetNull);
        });
        m.CreateIndex("IX_media_albums_Slug", "media_albums", "Slug", unique: true);
        m.CreateIndex("IX_media_albums_OwnerId_CreatedAt", "media_albums", ["OwnerId", "CreatedAt"]);
        m.CreateIndex("IX_media_albums_CoverId", "media_albums", "CoverId");

        m.CreateTable("media_album_items", t => new
        {
            AlbumId = t.Column<Guid>(nullable: false),
            MediaId = t.Column<Guid>(nullable: false),
            Position = t.Column<int>(nullable: false),
            Caption = t.Column<string>(maxLength: 2000, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_media_album_items", x => new { x.AlbumId, x.MediaId });
            t.ForeignKey("FK_media_album_items_media_albums_AlbumId", x => x.AlbumId, "media_albums", "Id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("FK_media_album_items_media_items_MediaId", x => x.MediaId, "media_items", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_media_album_items_AlbumId_Position", "media_album_items", ["AlbumId", "Position"]);
        m.CreateIndex("IX_media_album_items_MediaId", "media_album_items", "MediaId");
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("media_album_items");
        m.DropTable("media_albums");
        m.DropTable("media_files");
        m.DropTable("media_items");
    }
}
