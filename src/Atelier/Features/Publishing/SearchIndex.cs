using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

/// <summary>
/// Something people can find: a post today; tracks, patches and community posts later. <see cref="Type"/> and
/// <see cref="Key"/> name it (unique together). Title weighs most, then tags and summary, then the text. It is found
/// once <see cref="PublishedAt"/> has come, so scheduled things need no second indexing.
/// </summary>
internal sealed record SearchDocument(
    string Type, string Key, string Title, string Url, string Text, IReadOnlyList<string> Tags, DateTime PublishedAt, string? Summary = null);

/// <summary>One result. <see cref="Snippet"/> is HTML: escaped text whose only markup is <c>&lt;mark&gt;</c> around matches.</summary>
internal sealed record SearchHit(string Type, string Title, string Url, string Snippet, double Score, DateTime PublishedAt);

/// <summary>
/// A feature's searchable things, registered as a scoped <see cref="ISearchSource"/>. <see cref="SearchIndex"/> asks it
/// for the documents of changed keys (<see cref="SearchIndex.IndexAsync(string, IReadOnlyCollection{string}, CancellationToken)"/>)
/// and for all of them when the index is rebuilt (<c>atelier reindex</c>).
/// </summary>
internal interface ISearchSource
{
    string Type { get; }

    /// <summary>The documents that should be findable among <paramref name="keys"/>, or all of them when null. Keys it does not return leave the index.</summary>
    IAsyncEnumerable<SearchDocument> LoadAsync(IReadOnlyCollection<string>? keys, CancellationToken ct);
}

/// <summary>Published posts, keyed by id. Drafts are not indexed; scheduled posts are, and show up when their date comes.</summary>
internal sealed class PostSearchSource(AppDb db) : ISearchSource
{
    public const string PostType = "post";
    private const int Batch = 200;

    public string Type => PostType;

    public async IAsyncEnumerable<SearchDocument> LoadAsync(IReadOnlyCollection<string>? keys, [EnumeratorCancellation] CancellationToken ct)
    {
        var published = db.Posts.AsNoTracking().Where(p => p.Status == PostStatus.Published && p.PublishedAt != null);
        if (keys is not null)
        {
            var ids = keys.Select(k => Guid.TryParse(k, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct().ToList();
            foreach (var chunk in ids.Chunk(Batch))
            {
                foreach (var document in await LoadAsync(published.Where(p => chunk.Contains(p.Id)), ct))
                {
                    yield return document;
                }
            }
            yield break;
        }
        // All of them, a batch at a time, so a rebuild never holds every post's text at once.
        var after = Guid.Empty;
        while (true)
        {
            var last = after;
            var page = await LoadAsync(published.Where(p => p.Id.CompareTo(last) > 0).OrderBy(p => p.Id).Take(Batch), ct);
            foreach (var document in page)
            {
                yield return document;
            }
            if (page.Count < Batch)
            {
                yield break;
            }
            after = Guid.Parse(page[^1].Key);
        }
    }

    private static async Task<List<SearchDocument>> LoadAsync(IQueryable<Post> posts, CancellationToken ct)
    {
        var rows = await posts
            .Select(p => new { p.Id, p.Slug, p.Title, p.Summary, p.PlainText, p.PublishedAt, Tags = p.Tags.OrderBy(t => t.Tag).Select(t => t.Tag).ToList() })
            .ToListAsync(ct);
        // In the database's order: the batches above page by it.
        return rows.Select(p => new SearchDocument(PostType, p.Id.ToString(), p.Title, "/posts/" + Uri.EscapeDataString(p.Slug), p.PlainText,
            p.Tags, p.PublishedAt!.Value, p.Summary)).ToList();
    }
}

/// <summary>
/// Full-text search over <c>search_documents</c>, kept up to date by the features that own the documents
/// (app-side: the vault importer calls <see cref="IndexAsync(IEnumerable{Guid}, CancellationToken)"/> after it saves).
/// PostgreSQL: a stored, generated <c>tsvector</c> of the Russian and English configurations with a GIN index, queried with
/// <c>websearch_to_tsquery</c> (plus a prefix query for words being typed), ranked by <c>ts_rank_cd</c> among bounded
/// candidates (<see cref="RankedCandidates"/>), snippets by <c>ts_headline</c> on a window of the text. SQLite: an FTS5 table (<c>search_fts</c>, external content kept in step by triggers), each word
/// a quoted prefix, ranked by weighted <c>bm25</c>, snippets by <c>snippet()</c>.
/// Snippets are made with control characters around matches and HTML-escaped here, so no text from a document can become markup.
/// </summary>
internal sealed partial class SearchIndex(AppDb db, IEnumerable<ISearchSource> sources, TimeProvider time)
{
    public const int MaxQueryLength = 200;
    public const int MaxLimit = 50;
    public const int MaxTypeLength = 32;
    public const int MaxKeyLength = 200;
    public const int MaxTagLength = 100;
    /// <summary>Text beyond this is not searchable (it keeps tsvectors well under PostgreSQL's 1 MB limit).</summary>
    public const int MaxTextLength = 200_000;
    private const int MaxTerms = 16;
    private const char MarkStart = '\u0002';
    private const char MarkEnd = '\u0003';
    private const char LessThan = '\u0004';
    private const char GreaterThan = '\u0005';

    private bool IsPostgres => db.Database.IsNpgsql();

    /// <summary>Brings the given posts up to date in the index: published ones are (re)written, the rest removed.</summary>
    public Task IndexAsync(IEnumerable<Guid> postIds, CancellationToken ct) =>
        IndexAsync(PostSearchSource.PostType, postIds.Select(id => id.ToString()).ToList(), ct);

    /// <summary>Brings the documents of one type with the given keys up to date, asking the type's <see cref="ISearchSource"/>.</summary>
    public async Task IndexAsync(string type, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return;
        }
        var source = sources.Single(s => s.Type == type);
        await InTransactionAsync(async () =>
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var document in source.LoadAsync(keys, ct))
            {
                await UpsertCoreAsync(document, ct);
                found.Add(document.Key);
            }
            foreach (var key in keys.Where(k => !found.Contains(k)))
            {
                await RemoveCoreAsync(type, key, ct);
            }
        }, ct);
    }

    /// <summary>Adds or replaces one document (for features that push their documents themselves).</summary>
    public Task UpsertAsync(SearchDocument document, CancellationToken ct) => InTransactionAsync(() => UpsertCoreAsync(document, ct), ct);

    public Task RemoveAsync(string type, string key, CancellationToken ct) => InTransactionAsync(() => RemoveCoreAsync(type, key, ct), ct);

    /// <summary>Empties the index and fills it again from every source; returns how many documents each type has.</summary>
    public async Task<IReadOnlyDictionary<string, int>> RebuildAsync(CancellationToken ct)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await InTransactionAsync(async () =>
        {
            await ExecuteAsync("DELETE FROM search_document_tags", ct);
            await ExecuteAsync("DELETE FROM search_documents", ct);
            foreach (var source in sources)
            {
                counts[source.Type] = 0;
                await foreach (var document in source.LoadAsync(null, ct))
                {
                    await UpsertCoreAsync(document, ct);
                    counts[source.Type]++;
                }
            }
            if (!IsPostgres)
            {
                // Rebuilt from the content table, so the FTS index cannot stay out of step even if it ever was.
                await ExecuteAsync("INSERT INTO search_fts(search_fts) VALUES ('rebuild')", ct);
            }
        }, ct);
        return counts;
    }

    /// <summary>Visible documents matching <paramref name="query"/>, best first; empty when the query has nothing to search for.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string? type, string? tag, int limit, CancellationToken ct)
    {
        query = Clean(query, MaxQueryLength).Trim();
        limit = Math.Clamp(limit, 1, MaxLimit);
        var words = Words().Matches(query).Select(m => m.Value.Length > 64 ? m.Value[..64] : m.Value)
            .Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxTerms).ToList();
        if (words.Count == 0)
        {
            return [];
        }
        var filters = new StringBuilder();
        var parameters = new List<(string, object)> { ("@now", time.GetUtcNow().UtcDateTime), ("@limit", limit) };
        if (!string.IsNullOrEmpty(type))
        {
            filters.Append(" AND d.type = @type");
            parameters.Add(("@type", type));
        }
        if (!string.IsNullOrEmpty(tag))
        {
            filters.Append(" AND EXISTS (SELECT 1 FROM search_document_tags t WHERE t.document_id = d.id AND t.tag = @tag)");
            parameters.Add(("@tag", tag));
        }

        string sql;
        if (IsPostgres)
        {
            // ts_headline would drop anything that parses as a tag ("<script>" in a code sample), so angle brackets go in as
            // control characters and come back as entities in SnippetHtml.
            // websearch_to_tsquery never fails on user syntax ("quotes", -not, or). Words still being typed match as
            // prefixes too, unless the query uses that syntax (a prefix match would ignore a -not).
            var usesSyntax = query.Contains('"', StringComparison.Ordinal) || WebSearchOperators().IsMatch(query);
            var prefix = usesSyntax ? "" : string.Join(" & ", words.Select(w => "'" + w.ToLowerInvariant() + "':*"));
            parameters.Add(("@q", query));
            parameters.Add(("@prefix", prefix));
            parameters.Add(("@candidates", RankedCandidates));
            // Ranking reads each document's whole vector, and ts_headline parses the text it is given: both cost in
            // proportion to what they see. So only candidates are ranked (the newest matches in the title, tags or
            // summary, found through head's small index, and the newest matches in the text; one in both is ranked twice
            // and kept once), and the snippet is made from a window of the text around the first place a word of the
            // query (as stemmed) appears; the summary's snippet only when that window has no match.
            sql = $"""
                WITH q AS (
                    SELECT websearch_to_tsquery('russian', @q) || websearch_to_tsquery('english', @q)
                        || CASE WHEN @prefix = '' THEN ''::tsquery ELSE to_tsquery('simple', @prefix) END AS query,
                        ARRAY(SELECT lexeme FROM unnest(to_tsvector('russian', @q))) AS stems),
                ranked AS (
                    SELECT c.id, c.published_at, ts_rank_cd(c.vector, q.query) AS score
                      FROM ((SELECT d.id, d.published_at, d.vector FROM search_documents d, q
                              WHERE d.head @@ q.query AND d.published_at <= @now{filters}
                              ORDER BY d.published_at DESC LIMIT @candidates)
                            UNION ALL
                            (SELECT d.id, d.published_at, d.vector FROM search_documents d, q
                              WHERE d.vector @@ q.query AND d.published_at <= @now{filters}
                              ORDER BY d.published_at DESC LIMIT @candidates)) c, q),
                top AS (
                    SELECT id, published_at, max(score) AS score FROM ranked GROUP BY id, published_at
                     ORDER BY score DESC, published_at DESC, id
                     LIMIT @limit),
                hits AS MATERIALIZED (
                    SELECT t.id, t.score, t.published_at, d.type, d.title, d.url, d.summary,
                           ts_headline('russian', translate(substr(d.body, greatest(1, coalesce(
                               (SELECT min(nullif(strpos(lower(d.body), stem), 0)) FROM unnest(q.stems) stem), 1) - {SnippetLead}), {SnippetWindow}),
                               '<>', chr(4) || chr(5)), q.query, '{Headline}') AS text
                      FROM top t JOIN search_documents d ON d.id = t.id, q)
                SELECT h.type, h.title, h.url, h.text,
                       CASE WHEN strpos(h.text, chr(2)) > 0 THEN ''
                            ELSE ts_headline('russian', translate(h.summary, '<>', chr(4) || chr(5)), q.query, '{Headline}') END,
                       h.score, h.published_at
                  FROM hits h, q
                 ORDER BY h.score DESC, h.published_at DESC, h.id
                """;
        }
        else
        {
            // Every word a quoted prefix: nothing a user types is FTS5 syntax (NEAR, AND, column:, ^, *).
            parameters.Add(("@match", string.Join(' ', words.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"*"))));
            // Ranked with the date filter read from search_documents_visible (the rows themselves are long), snippets made
            // for the returned rows only: the CROSS JOINs keep that order, one FTS lookup by rowid per hit.
            sql = $"""
                WITH hits AS (
                    SELECT search_fts.rowid AS id, -bm25(search_fts, 10.0, 4.0, 4.0, 1.0) AS score, d.published_at
                      FROM search_fts JOIN search_documents d INDEXED BY search_documents_visible ON d.id = search_fts.rowid
                     WHERE search_fts MATCH @match AND d.published_at <= @now{filters}
                     ORDER BY score DESC, d.published_at DESC, d.id
                     LIMIT @limit)
                SELECT d.type, d.title, d.url,
                       snippet(search_fts, 3, char(2), char(3), '…', 24),
                       snippet(search_fts, 2, char(2), char(3), '…', 24),
                       h.score, h.published_at
                  FROM hits h CROSS JOIN search_fts CROSS JOIN search_documents d
                 WHERE search_fts MATCH @match AND search_fts.rowid = h.id AND d.id = h.id
                 ORDER BY h.score DESC, h.published_at DESC, h.id
                """;
        }

        return await WithCommandAsync(sql, parameters, async command =>
        {
            if (IsPostgres)
            {
                // Planning this query costs about as much as running it for a rare word; a prepared statement is planned
                // once per pooled connection (Npgsql keeps it across uses of the connection).
                await command.PrepareAsync(ct);
            }
            var hits = new List<SearchHit>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var body = reader.IsDBNull(3) ? "" : reader.GetString(3);
                var summary = reader.IsDBNull(4) ? "" : reader.GetString(4);
                // The passage around a match: in the text, else in the summary, else the text's beginning (the title or a tag matched).
                var snippet = body.Contains(MarkStart, StringComparison.Ordinal) || (!summary.Contains(MarkStart, StringComparison.Ordinal) && body.Length > 0)
                    ? body : summary;
                hits.Add(new SearchHit(reader.GetString(0), reader.GetString(1), reader.GetString(2), SnippetHtml(snippet),
                    Math.Round(Convert.ToDouble(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture), 6),
                    DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc)));
            }
            return hits;
        }, ct);
    }

    /// <summary>
    /// How many of the newest matches in the title, tags or summary, and in the text, are ranked (PostgreSQL). A query
    /// that matches fewer documents than this has all of them ranked; one that matches thousands (a common word) ranks
    /// the newest of them, so its cost does not grow with the site.
    /// </summary>
    private const int RankedCandidates = 100;

    /// <summary>The window of text a PostgreSQL snippet is made from: it starts this many characters before the first match.</summary>
    private const int SnippetLead = 150;
    private const int SnippetWindow = 700;

    private const string Headline = "StartSel=\u0002, StopSel=\u0003, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"";

    private async Task UpsertCoreAsync(SearchDocument document, CancellationToken ct)
    {
        if (document.Type.Length is 0 or > MaxTypeLength || document.Key.Length is 0 or > MaxKeyLength)
        {
            throw new ArgumentException($"A search document needs a type of 1–{MaxTypeLength} and a key of 1–{MaxKeyLength} characters.", nameof(document));
        }
        var tags = document.Tags.Select(t => Clean(t, MaxTagLength).Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Take(100).ToList();
        // Tags are searched as words too: "music/theory" is found by "theory".
        var tagText = string.Join(' ', tags.Select(t => t.Replace('/', ' ').Replace('_', ' ')));
        var id = await WithCommandAsync("""
            INSERT INTO search_documents (type, doc_key, title, tags, summary, body, url, published_at)
            VALUES (@type, @key, @title, @tags, @summary, @body, @url, @published)
            ON CONFLICT (type, doc_key) DO UPDATE SET title = excluded.title, tags = excluded.tags, summary = excluded.summary,
                body = excluded.body, url = excluded.url, published_at = excluded.published_at
            RETURNING id
            """,
            [
                ("@type", document.Type), ("@key", document.Key), ("@title", Clean(document.Title, 1000)), ("@tags", tagText),
                ("@summary", Clean(document.Summary ?? "", 2000)), ("@body", Clean(document.Text, MaxTextLength)), ("@url", document.Url),
                ("@published", DateTime.SpecifyKind(document.PublishedAt, DateTimeKind.Utc)),
            ],
            async command => Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture), ct);
        await ExecuteAsync("DELETE FROM search_document_tags WHERE document_id = @id", ct, ("@id", id));
        foreach (var tag in tags)
        {
            await ExecuteAsync("INSERT INTO search_document_tags (document_id, tag) VALUES (@id, @tag) ON CONFLICT DO NOTHING", ct, ("@id", id), ("@tag", tag));
        }
    }

    private async Task RemoveCoreAsync(string type, string key, CancellationToken ct)
    {
        await ExecuteAsync("DELETE FROM search_document_tags WHERE document_id IN (SELECT id FROM search_documents WHERE type = @type AND doc_key = @key)", ct,
            ("@type", type), ("@key", key));
        await ExecuteAsync("DELETE FROM search_documents WHERE type = @type AND doc_key = @key", ct, ("@type", type), ("@key", key));
    }

    /// <summary>
    /// Escapes the snippet's text and turns the match markers into <c>&lt;mark&gt;</c>: the only markup that can come out.
    /// Markers cannot come from a document (<see cref="Clean"/> drops control characters before indexing); PostgreSQL's
    /// snippets carry angle brackets as U+0004/U+0005.
    /// </summary>
    internal static string SnippetHtml(string raw)
    {
        var html = new StringBuilder(raw.Length + 32);
        var open = false;
        foreach (var c in raw)
        {
            switch (c)
            {
                case MarkStart when !open:
                    html.Append("<mark>");
                    open = true;
                    break;
                case MarkEnd when open:
                    html.Append("</mark>");
                    open = false;
                    break;
                case '&':
                    html.Append("&amp;");
                    break;
                case '<' or LessThan:
                    html.Append("&lt;");
                    break;
                case '>' or GreaterThan:
                    html.Append("&gt;");
                    break;
                case '"':
                    html.Append("&quot;");
                    break;
                case '\'':
                    html.Append("&#39;");
                    break;
                case '\n' or '\r' or '\t':
                    html.Append(' ');
                    break;
                default:
                    if (!char.IsControl(c))
                    {
                        html.Append(c);
                    }
                    break;
            }
        }
        if (open)
        {
            html.Append("</mark>");
        }
        return html.ToString();
    }

    /// <summary>
    /// Text safe to index and to send to either database: no control characters but line breaks and tabs (PostgreSQL refuses
    /// NUL; STX/ETX mark matches in snippets), no unpaired surrogates (not encodable as UTF-8), at most <paramref name="max"/> characters.
    /// </summary>
    internal static string Clean(string text, int max)
    {
        var clean = new StringBuilder(Math.Min(text.Length, max));
        for (var i = 0; i < text.Length && clean.Length < max; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) && clean.Length + 2 <= max)
                {
                    clean.Append(c).Append(text[++i]);
                }
                continue;
            }
            if (char.IsLowSurrogate(c) || (char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                continue;
            }
            clean.Append(c);
        }
        return clean.ToString();
    }

    /// <summary>Runs of letters, digits and combining marks: what both databases' tokenizers treat as words.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}\p{Mn}]+")]
    private static partial Regex Words();

    /// <summary>A word excluded with a leading minus, or "or" between words: websearch_to_tsquery's operators.</summary>
    [GeneratedRegex(@"(^|\s)-|(^|\s)or(\s|$)", RegexOptions.IgnoreCase)]
    private static partial Regex WebSearchOperators();

    private async Task InTransactionAsync(Func<Task> work, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            await work();
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await work();
        await transaction.CommitAsync(ct);
    }

    private Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters) =>
        WithCommandAsync(sql, parameters, command => command.ExecuteNonQueryAsync(ct), ct);

    /// <summary>A command on the context's connection and transaction: the search tables are not in the EF model.</summary>
    private async Task<T> WithCommandAsync<T>(string sql, IEnumerable<(string Name, object Value)> parameters, Func<DbCommand, Task<T>> run, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
            return await run(command);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
