using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

[DbContext(typeof(AppDb))]
[Migration("20261121230000_PostRevisions")]
public sealed class PostRevisions : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("publishing_post_revisions", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            PostId = t.Column<Guid>(nullable: false),
            Title = t.Column<string>(maxLength: 300, nullable: false),
            Source = t.Column<string>(nullable: false),
            AuthorId = t.Column<Guid>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_publishing_post_revisions", x => x.Id);
            t.ForeignKey("FK_publishing_post_revisions_publishing_posts_PostId", x => x.PostId, "publishing_posts", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_publishing_post_revisions_PostId_CreatedAt", "publishing_post_revisions", ["PostId", "CreatedAt"]);
    }

    protected override void Down(MigrationBuilder m) => m.DropTable("publishing_post_revisions");
}
