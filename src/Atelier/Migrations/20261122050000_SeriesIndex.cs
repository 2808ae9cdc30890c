using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

/// <summary>A post page looks up its neighbours in a series: by source, series and order, not by scanning every post.</summary>
[DbContext(typeof(AppDb))]
[Migration("20261122050000_SeriesIndex")]
public sealed class SeriesIndex : Migration
{
    protected override void Up(MigrationBuilder m) =>
        m.CreateIndex("IX_publishing_posts_VaultId_Series_SeriesOrder", "publishing_posts", ["VaultId", "Series", "SeriesOrder"]);

    protected override void Down(MigrationBuilder m) =>
        m.DropIndex("IX_publishing_posts_VaultId_Series_SeriesOrder", "publishing_posts");
}
