using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Atelier.Tests.Publishing;

/// <summary><c>atelier reindex</c> through the real executable, on both databases.</summary>
public sealed class SearchCliTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "atelier-cli-search-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _vault = TestVault.Copy();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var folder in new[] { _data, _vault }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<(int Code, string Out, string Err)> RunAsync(IEnumerable<string> args) => Platform.CliTests.RunAsync([.. args]);

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reindex_RebuildsAnEmptiedIndexFromThePublishedPosts_AndPrintsTheCount(string provider)
    {
        var config = new List<string> { "--Atelier:DataPath", _data, "--Atelier:Database:Provider", provider };
        string cs;
        if (provider == "Postgres")
        {
            cs = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
            config.AddRange(["--ConnectionStrings:Atelier", cs]);
        }
        else
        {
            cs = $"Data Source={Path.Combine(_data, "atelier.db")};Pooling=False";
        }
        var import = await RunAsync(["import-vault", _vault, .. config]);
        import.Code.ShouldBe(0, import.Err);
        import.Out.ShouldContain("created 7");

        await using DbConnection connection = provider == "Postgres" ? new NpgsqlConnection(cs) : new SqliteConnection(cs);
        await connection.OpenAsync();
        var matchScales = provider == "Postgres"
            ? "SELECT count(*) FROM search_documents WHERE vector @@ websearch_to_tsquery('english', 'scales')"
            : "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'scales'";
        (await ScalarAsync(connection, "SELECT count(*) FROM search_documents")).ShouldBe(7, "the import indexes what it publishes");
        await ScalarAsync(connection, "DELETE FROM search_document_tags");
        await ScalarAsync(connection, "DELETE FROM search_documents");
        (await ScalarAsync(connection, matchScales)).ShouldBe(0);

        var reindex = await RunAsync(["reindex", .. config]);

        reindex.Code.ShouldBe(0, reindex.Err);
        reindex.Out.ShouldStartWith("Reindexed 7 document(s) (post: 7)");
        (await ScalarAsync(connection, "SELECT count(*) FROM search_documents")).ShouldBe(7);
        (await ScalarAsync(connection, matchScales)).ShouldBeGreaterThanOrEqualTo(3); // Music theory, Synths (transcludes it), Welcome
        (await RunAsync(["help"])).Out.ShouldContain("reindex");
    }
}
