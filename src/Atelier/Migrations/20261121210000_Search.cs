using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

/// <summary>
/// The full-text index (see Features/Publishing/SearchIndex.cs). Not part of the EF model: each database gets its own
/// structures, all named <c>search_*</c> (MigrationSchemaTests leaves them out of the model comparison).
/// </summary>
[DbContext(typeof(AppDb))]
[Migration("20261121210000_Search")]
public sealed class Search : Migration
{
    private const string Sqlite = "Microsoft.EntityFrameworkCore.Sqlite";
    private const string Postgres = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder m)
    {
        if (m.ActiveProvider == Postgres)
        {
            // Both configurations: 'russian' stems Russian (and English via english_stem for ASCII words), 'english' keeps
            // the English stems even where the Russian dictionary would not. Weights: A title, B tags and summary, C text.
            m.Sql("""
                CREATE TABLE search_documents (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    type varchar(32) NOT NULL,
                    doc_key varchar(200) NOT NULL,
                    title text NOT NULL,
                    tags text NOT NULL,
                    summary text NOT NULL,
                    body text NOT NULL,
                    url text NOT NULL,
                    published_at timestamp with time zone NOT NULL,
                    vector tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('russian'::regconfig, title), 'A') || setweight(to_tsvector('english'::regconfig, title), 'A')
                        || setweight(to_tsvector('russian'::regconfig, tags || ' ' || summary), 'B')
                        || setweight(to_tsvector('english'::regconfig, tags || ' ' || summary), 'B')
                        || setweight(to_tsvector('russian'::regconfig, body), 'C') || setweight(to_tsvector('english'::regconfig, body), 'C')
                    ) STORED,
                    CONSTRAINT search_documents_type_key UNIQUE (type, doc_key)
                );
                """);
            m.Sql("CREATE INDEX search_documents_vector ON search_documents USING gin (vector);");
            m.Sql("CREATE INDEX search_documents_type_published ON search_documents (type, published_at);");
            m.Sql("""
                CREATE TABLE search_document_tags (
                    document_id bigint NOT NULL REFERENCES search_documents (id) ON DELETE CASCADE,
                    tag varchar(100) NOT NULL,
                    PRIMARY KEY (document_id, tag)
                );
                """);
            m.Sql("CREATE INDEX search_document_tags_tag ON search_document_tags (tag);");
        }
        else if (m.ActiveProvider == Sqlite)
        {
            m.Sql("""
                CREATE TABLE search_documents (
                    id INTEGER PRIMARY KEY,
                    type TEXT NOT NULL,
                    doc_key TEXT NOT NULL,
                    title TEXT NOT NULL,
                    tags TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    body TEXT NOT NULL,
                    url TEXT NOT NULL,
                    published_at TEXT NOT NULL,
                    UNIQUE (type, doc_key)
                );
                """);
            m.Sql("CREATE INDEX search_documents_type_published ON search_documents (type, published_at);");
            m.Sql("""
                CREATE TABLE search_document_tags (
                    document_id INTEGER NOT NULL REFERENCES search_documents (id) ON DELETE CASCADE,
                    tag TEXT NOT NULL,
                    PRIMARY KEY (document_id, tag)
                ) WITHOUT ROWID;
                """);
            m.Sql("CREATE INDEX search_document_tags_tag ON search_document_tags (tag);");
            // External content: the text lives once, in search_documents; the triggers keep the index in step with it.
            m.Sql("""
                CREATE VIRTUAL TABLE search_fts USING fts5(
                    title, tags, summary, body,
                    content = 'search_documents', content_rowid = 'id',
                    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
                );
                """);
            m.Sql("""
                CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
                    INSERT INTO search_fts (rowid, title, tags, summary, body) VALUES (new.id, new.title, new.tags, new.summary, new.body);
                END;
                """);
            m.Sql("""
                CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
                    INSERT INTO search_fts (search_fts, rowid, title, tags, summary, body) VALUES ('delete', old.id, old.title, old.tags, old.summary, old.body);
                END;
                """);
            m.Sql("""
                CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
                    INSERT INTO search_fts (search_fts, rowid, title, tags, summary, body) VALUES ('delete', old.id, old.title, old.tags, old.summary, old.body);
                    INSERT INTO search_fts (rowid, title, tags, summary, body) VALUES (new.id, new.title, new.tags, new.summary, new.body);
                END;
                """);
        }
        else
        {
            throw new NotSupportedException($"Search has no schema for {m.ActiveProvider}.");
        }

        // Posts already published are found at once; `atelier reindex` does the same at any time.
        m.Sql(m.ActiveProvider == Postgres
            ? """
              INSERT INTO search_documents (type, doc_key, title, tags, summary, body, url, published_at)
              SELECT 'post', p."Id"::text, p."Title",
                     coalesce((SELECT string_agg(replace(replace(t."Tag", '/', ' '), '_', ' '), ' ' ORDER BY t."Tag") FROM publishing_post_tags t WHERE t."PostId" = p."Id"), ''),
                     coalesce(p."Summary", ''), left(p."PlainText", 200000), '/posts/' || p."Slug", p."PublishedAt"
                FROM publishing_posts p WHERE p."Status" = 'Published' AND p."PublishedAt" IS NOT NULL;
              INSERT INTO search_document_tags (document_id, tag)
              SELECT d.id, t."Tag" FROM search_documents d JOIN publishing_post_tags t ON t."PostId"::text = d.doc_key WHERE d.type = 'post';
              """
            : """
              INSERT INTO search_documents (type, doc_key, title, tags, summary, body, url, published_at)
              SELECT 'post', lower(p."Id"), p."Title",
                     coalesce((SELECT group_concat(replace(replace(t."Tag", '/', ' '), '_', ' '), ' ') FROM publishing_post_tags t WHERE t."PostId" = p."Id"), ''),
                     coalesce(p."Summary", ''), substr(p."PlainText", 1, 200000), '/posts/' || p."Slug", p."PublishedAt"
                FROM publishing_posts p WHERE p."Status" = 'Published' AND p."PublishedAt" IS NOT NULL;
              INSERT INTO search_document_tags (document_id, tag)
              SELECT d.id, t."Tag" FROM search_documents d JOIN publishing_post_tags t ON lower(t."PostId") = d.doc_key WHERE d.type = 'post';
              """);
    }

    protected override void Down(MigrationBuilder m)
    {
        if (m.ActiveProvider == Sqlite)
        {
            m.Sql("DROP TRIGGER IF EXISTS search_documents_au;");
            m.Sql("DROP TRIGGER IF EXISTS search_documents_ad;");
            m.Sql("DROP TRIGGER IF EXISTS search_documents_ai;");
            m.Sql("DROP TABLE IF EXISTS search_fts;");
        }
        m.Sql("DROP TABLE IF EXISTS search_document_tags;");
        m.Sql("DROP TABLE IF EXISTS search_documents;");
    }
}
