using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

/// <summary>The studio: patches (the current document) and their versions.</summary>
[DbContext(typeof(AppDb))]
[Migration("20261125000000_Studio")]
public sealed class Studio : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("studio_patches", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            OwnerId = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(maxLength: 100, nullable: false),
            Slug = t.Column<string>(maxLength: 80, nullable: false),
            Description = t.Column<string>(maxLength: 2000, nullable: false),
            Visibility = t.Column<string>(maxLength: 16, nullable: false),
            Document = t.Column<string>(nullable: false),
            Version = t.Column<int>(nullable: false),
            NodeCount = t.Column<int>(nullable: false),
            ForkedFromId = t.Column<Guid>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
            UpdatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_studio_patches", x => x.Id);
            t.ForeignKey("FK_studio_patches_accounts_users_OwnerId", x => x.OwnerId, "accounts_users", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_studio_patches_Slug", "studio_patches", "Slug", unique: true);
        m.CreateIndex("IX_studio_patches_OwnerId_UpdatedAt", "studio_patches", ["OwnerId", "UpdatedAt"]);
        m.CreateIndex("IX_studio_patches_Visibility_UpdatedAt", "studio_patches", ["Visibility", "UpdatedAt"]);

        m.CreateTable("studio_patch_versions", t => new
        {
            PatchId = t.Column<Guid>(nullable: false),
            Number = t.Column<int>(nullable: false),
            Name = t.Column<string>(maxLength: 100, nullable: false),
            Document = t.Column<string>(nullable: false),
            NodeCount = t.Column<int>(nullable: false),
            AuthorId = t.Column<Guid>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_studio_patch_versions", x => new { x.PatchId, x.Number });
            t.ForeignKey("FK_studio_patch_versions_studio_patches_PatchId", x => x.PatchId, "studio_patches", "Id", onDelete: ReferentialAction.Cascade);
        });
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("studio_patch_versions");
        m.DropTable("studio_patches");
    }
}
