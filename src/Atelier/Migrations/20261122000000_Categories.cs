using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

[DbContext(typeof(AppDb))]
[Migration("20261122000000_Categories")]
public sealed class Categories : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("publishing_categories", t => new
        {
            Path = t.Column<string>(maxLength: 200, nullable: false),
            Name = t.Column<string>(maxLength: 200, nullable: false),
            ParentPath = t.Column<string>(maxLength: 200, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_publishing_categories", x => x.Path);
            t.ForeignKey("FK_publishing_categories_publishing_categories_ParentPath", x => x.ParentPath, "publishing_categories", "Path", onDelete: ReferentialAction.Restrict);
        });
        m.CreateIndex("IX_publishing_categories_ParentPath", "publishing_categories", "ParentPath");

        m.CreateTable("publishing_post_categories", t => new
        {
            PostId = t.Column<Guid>(nullable: false),
            Path = t.Column<string>(maxLength: 200, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_publishing_post_categories", x => new { x.PostId, x.Path });
            t.ForeignKey("FK_publishing_post_categories_publishing_posts_PostId", x => x.PostId, "publishing_posts", "Id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("FK_publishing_post_categories_publishing_categories_Path", x => x.Path, "publishing_categories", "Path", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_publishing_post_categories_Path", "publishing_post_categories", "Path");
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("publishing_post_categories");
        m.DropTable("publishing_categories");
    }
}
