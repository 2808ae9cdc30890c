using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

[DbContext(typeof(AppDb))]
[Migration("20261121220000_VaultWebhooks")]
public sealed class VaultWebhooks : Migration
{
    protected override void Up(MigrationBuilder m) =>
        m.AddColumn<string>("WebhookSecret", "publishing_vaults", maxLength: 100, nullable: true);

    protected override void Down(MigrationBuilder m) => m.DropColumn("WebhookSecret", "publishing_vaults");
}
