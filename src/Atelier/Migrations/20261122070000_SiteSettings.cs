using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

/// <summary>The site's settings (title, description, menu, social links) as JSON documents under keys.</summary>
[DbContext(typeof(AppDb))]
[Migration("20261122070000_SiteSettings")]
public sealed class SiteSettings : Migration
{
    protected override void Up(MigrationBuilder m) =>
        m.CreateTable("publishing_settings", t => new
        {
            Key = t.Column<string>(maxLength: 100),
            Value = t.Column<string>(),
            UpdatedAt = t.Column<DateTime>(),
        }, constraints: t => t.PrimaryKey("PK_publishing_settings", s => s.Key));

    protected override void Down(MigrationBuilder m) => m.DropTable("publishing_settings");
}
