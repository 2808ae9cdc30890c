using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

/// <summary>
/// What keeps a search for a common word fast on a big site (see SearchIndex.SearchAsync). PostgreSQL: <c>head</c>, the
/// vector of title, tags and summary alone, with its own GIN index, so matches there are found without reading the
/// much larger text vectors; and rows kept short (text and vectors stored out of line beyond 256 bytes), so choosing
/// candidates among thousands of matches reads a few hundred pages rather than the whole text. SQLite: an index holding each document's id, date and type, so the visibility filter of
/// thousands of matches reads the index instead of the rows (whose text makes them long).
/// </summary>
[DbContext(typeof(AppDb))]
[Migration("20261122060000_SearchCandidates")]
public sealed class SearchCandidates : Migration
{
    private const string Postgres = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder m)
    {
        if (m.ActiveProvider == Postgres)
        {
            // Set first: adding a stored column rewrites the table, which then stores every row the new way.
            m.Sql("ALTER TABLE search_documents SET (toast_tuple_target = 256);");
            // The same configurations and weights as the title, tags and summary in the full vector.
            m.Sql("""
                ALTER TABLE search_documents ADD COLUMN head tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('russian'::regconfig, title), 'A') || setweight(to_tsvector('english'::regconfig, title), 'A')
                    || setweight(to_tsvector('russian'::regconfig, tags || ' ' || summary), 'B')
                    || setweight(to_tsvector('english'::regconfig, tags || ' ' || summary), 'B')
                ) STORED;
                """);
            m.Sql("CREATE INDEX search_documents_head ON search_documents USING gin (head);");
        }
        else
        {
            m.Sql("CREATE INDEX search_documents_visible ON search_documents (id, published_at, type);");
        }
    }

    protected override void Down(MigrationBuilder m)
    {
        if (m.ActiveProvider == Postgres)
        {
            m.Sql("DROP INDEX IF EXISTS search_documents_head;");
            m.Sql("ALTER TABLE search_documents DROP COLUMN IF EXISTS head;");
            m.Sql("ALTER TABLE search_documents RESET (toast_tuple_target);");
        }
        else
        {
            m.Sql("DROP INDEX IF EXISTS search_documents_visible;");
        }
    }
}
