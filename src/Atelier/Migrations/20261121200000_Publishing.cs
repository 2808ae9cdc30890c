using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

[DbContext(typeof(AppDb))]
[Migration("20261121200000_Publishing")]
public sealed class Publishing : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("publishing_vaults", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Name = t.Column<string>(maxLength: 200, nullable: false),
            SourceKind = t.Column<string>(maxLength: 16, nullable: false),
            SourcePath = t.Column<string>(maxLength: 1000, nullable: false),
            Branch = t.Column<string>(maxLength: 200, nullable: true),
            PublishRule = t.Column<string>(maxLength: 16, nullable: false),
            Folders = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_publishing_vaults", x => x.Id));
        m.CreateIndex("IX_publishing_vaults_Name", "publishing_vaults", "Name", unique: true);

        m.CreateTable("publishing_vault_imports", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            VaultId = t.Column<Guid>(nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
            FinishedAt = t.Column<DateTime>(nullable: true),
            LogJson = t.Column<string>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_publishing_vault_imports", x => x.Id);
            t.ForeignKey("FK_publishing_vault_imports_publishing_vaults_VaultId", x => x.VaultId, "publishing_vaults", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_publishing_vault_imports_VaultId_CreatedAt", "publishing_vault_imports", ["VaultId", "CreatedAt"]);

        m.CreateTable("publishing_posts", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(maxLength: 16, nullable: false),
            Slug = t.Column<string>(maxLength: 200, nullable: false),
            Title = t.Column<string>(maxLength: 300, nullable: false),
            Summary = t.Column<string>(maxLength: 1000, nullable: true),
            Source = t.Column<string>(nullable: false),
            Html = t.Column<string>(nullable: false),
            PlainText = t.Column<string>(nullable: false),
            WordCount = t.Column<int>(nullable: false),
            TocJson = t.Column<string>(nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            PublishedAt = t.Column<DateTime>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
            UpdatedAt = t.Column<DateTime>(nullable: false),
            CoverUrl = t.Column<string>(maxLength: 1000, nullable: true),
            Featured = t.Column<bool>(nullable: false),
            Series = t.Column<string>(maxLength: 200, nullable: true),
            SeriesOrder = t.Column<int>(nullable: true),
            AuthorId = t.Column<Guid>(nullable: true),
            SeoTitle = t.Column<string>(maxLength: 300, nullable: true),
            SeoDescription = t.Column<string>(maxLength: 1000, nullable: true),
            VaultId = t.Column<Guid>(nullable: true),
            VaultPath = t.Column<string>(maxLength: 1000, nullable: true),
            ContentHash = t.Column<string>(maxLength: 64, nullable: true),
            Aliases = t.Column<string>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_publishing_posts", x => x.Id));
        m.CreateIndex("IX_publishing_posts_Slug", "publishing_posts", "Slug", unique: true);
        m.CreateIndex("IX_publishing_posts_Status_PublishedAt_Id", "publishing_posts", ["Status", "PublishedAt", "Id"]);
        m.CreateIndex("IX_publishing_posts_VaultId_VaultPath", "publishing_posts", ["VaultId", "VaultPath"]);

        m.CreateTable("publishing_post_tags", t => new
        {
            PostId = t.Column<Guid>(nullable: false),
            Tag = t.Column<string>(maxLength: 100, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_publishing_post_tags", x => new { x.PostId, x.Tag });
            t.ForeignKey("FK_publishing_post_tags_publishing_posts_PostId", x => x.PostId, "publishing_posts", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_publishing_post_tags_Tag", "publishing_post_tags", "Tag");

        m.CreateTable("publishing_post_links", t => new
        {
            FromPostId = t.Column<Guid>(nullable: false),
            ToPostId = t.Column<Guid>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_publishing_post_links", x => new { x.FromPostId, x.ToPostId });
            t.ForeignKey("FK_publishing_post_links_publishing_posts_FromPostId", x => x.FromPostId, "publishing_posts", "Id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("FK_publishing_post_links_publishing_posts_ToPostId", x => x.ToPostId, "publishing_posts", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_publishing_post_links_ToPostId", "publishing_post_links", "ToPostId");

        m.CreateTable("publishing_redirects", t => new
        {
            FromPath = t.Column<string>(maxLength: 400, nullable: false),
            ToPath = t.Column<string>(maxLength: 400, nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_publishing_redirects", x => x.FromPath));

        m.CreateTable("publishing_assets", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            VaultId = t.Column<Guid>(nullable: true),
            VaultPath = t.Column<string>(maxLength: 1000, nullable: false),
            FileName = t.Column<string>(maxLength: 255, nullable: false),
            Sha256 = t.Column<string>(maxLength: 64, nullable: false),
            ContentType = t.Column<string>(maxLength: 100, nullable: false),
            Size = t.Column<long>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_publishing_assets", x => x.Id));
        m.CreateIndex("IX_publishing_assets_VaultId_VaultPath", "publishing_assets", ["VaultId", "VaultPath"]);
        m.CreateIndex("IX_publishing_assets_Sha256", "publishing_assets", "Sha256");
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("publishing_assets");
        m.DropTable("publishing_redirects");
        m.DropTable("publishing_post_links");
        m.DropTable("publishing_post_tags");
        m.DropTable("publishing_posts");
        m.DropTable("publishing_vault_imports");
        m.DropTable("publishing_vaults");
    }
}
