using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

/// <summary>
/// PostgreSQL: patch documents (up to 1 MB of JSON, written twice on every save) are compressed with lz4 instead of the
/// default pglz, which costs several times more CPU per save (docs/performance.md, Benchmark 8). A server built without
/// lz4 keeps pglz: the change is skipped with a notice. SQLite stores the text as it is and needs nothing.
/// </summary>
[DbContext(typeof(AppDb))]
[Migration("20261126000000_StudioDocumentCompression")]
public sealed class StudioDocumentCompression : Migration
{
    private const string Postgres = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder m)
    {
        if (m.ActiveProvider == Postgres)
        {
            m.Sql(Compression("lz4"));
        }
    }

    protected override void Down(MigrationBuilder m)
    {
        if (m.ActiveProvider == Postgres)
        {
            m.Sql(Compression("pglz"));
        }
    }

    private static string Compression(string method) => $"""
        DO $$
        BEGIN
            ALTER TABLE studio_patches ALTER COLUMN "Document" SET COMPRESSION {method};
            ALTER TABLE studio_patch_versions ALTER COLUMN "Document" SET COMPRESSION {method};
        EXCEPTION WHEN feature_not_supported THEN
            RAISE NOTICE 'This PostgreSQL server has no {method} compression; patch documents keep the default.';
        END $$;
        """;
}
