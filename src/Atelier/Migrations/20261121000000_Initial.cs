using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

// Hand-written: column types come from the CLR types, so one history serves SQLite and PostgreSQL.
// MigrationSchemaTests proves the result equals the model on both.
[DbContext(typeof(AppDb))]
[Migration("20261121000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("platform_keys", t => new
        {
            Name = t.Column<string>(maxLength: 200, nullable: false),
            Value = t.Column<string>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_platform_keys", x => x.Name));

        m.CreateTable("platform_jobs", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(maxLength: 100, nullable: false),
            Payload = t.Column<string>(nullable: false),
            Status = t.Column<string>(maxLength: 16, nullable: false),
            Attempts = t.Column<int>(nullable: false),
            MaxAttempts = t.Column<int>(nullable: false),
            RunAt = t.Column<DateTime>(nullable: false),
            LockedUntil = t.Column<DateTime>(nullable: true),
            LockedBy = t.Column<string>(maxLength: 100, nullable: true),
            LastError = t.Column<string>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
            CompletedAt = t.Column<DateTime>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_platform_jobs", x => x.Id));
        m.CreateIndex("IX_platform_jobs_Status_RunAt", "platform_jobs", ["Status", "RunAt"]);

        m.CreateTable("accounts_users", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Email = t.Column<string>(maxLength: 256, nullable: false),
            NormalizedEmail = t.Column<string>(maxLength: 256, nullable: false),
            DisplayName = t.Column<string>(maxLength: 100, nullable: false),
            PasswordHash = t.Column<string>(maxLength: 512, nullable: false),
            EmailConfirmed = t.Column<bool>(nullable: false),
            Role = t.Column<string>(maxLength: 16, nullable: false),
            AccessFailedCount = t.Column<int>(nullable: false),
            LockoutEnd = t.Column<DateTime>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_accounts_users", x => x.Id));
        m.CreateIndex("IX_accounts_users_NormalizedEmail", "accounts_users", "NormalizedEmail", unique: true);
        m.CreateIndex("IX_accounts_users_CreatedAt_Id", "accounts_users", ["CreatedAt", "Id"]);

        m.CreateTable("accounts_user_codes", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            UserId = t.Column<Guid>(nullable: false),
            Purpose = t.Column<string>(maxLength: 32, nullable: false),
            CodeHash = t.Column<string>(maxLength: 64, nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
            ExpiresAt = t.Column<DateTime>(nullable: false),
            UsedAt = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_accounts_user_codes", x => x.Id);
            t.ForeignKey("FK_accounts_user_codes_accounts_users_UserId", x => x.UserId, "accounts_users", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_accounts_user_codes_UserId_Purpose", "accounts_user_codes", ["UserId", "Purpose"]);

        m.CreateTable("accounts_refresh_tokens", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            UserId = t.Column<Guid>(nullable: false),
            FamilyId = t.Column<Guid>(nullable: false),
            TokenHash = t.Column<string>(maxLength: 64, nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
            ExpiresAt = t.Column<DateTime>(nullable: false),
            UsedAt = t.Column<DateTime>(nullable: true),
            RevokedAt = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_accounts_refresh_tokens", x => x.Id);
            t.ForeignKey("FK_accounts_refresh_tokens_accounts_users_UserId", x => x.UserId, "accounts_users", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_accounts_refresh_tokens_TokenHash", "accounts_refresh_tokens", "TokenHash", unique: true);
        m.CreateIndex("IX_accounts_refresh_tokens_FamilyId", "accounts_refresh_tokens", "FamilyId");
        m.CreateIndex("IX_accounts_refresh_tokens_UserId", "accounts_refresh_tokens", "UserId");
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("accounts_refresh_tokens");
        m.DropTable("accounts_user_codes");
        m.DropTable("accounts_users");
        m.DropTable("platform_jobs");
        m.DropTable("platform_keys");
    }
}
