using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Atelier.Features.Publishing;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Tests.Publishing;

/// <summary>Upgrading a database that already has posts: the Search migration indexes the published ones.</summary>
public abstract class SearchMigrationTests(Db provider) : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"atelier-search-migration-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
        GC.SuppressFinalize(this);
    }

    private async Task<AppDb> ContextAsync()
    {
        var cs = provider == Db.Postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : $"Data Source={_file};Pooling=False";
        var options = new AtelierOptions { Database = { Provider = provider == Db.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite } };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Atelier"] = cs }).Build();
        var builder = new DbContextOptionsBuilder<AppDb>();
        DataExtensions.Configure(builder, options, configuration);
        return new AppDb(builder.Options);
    }

    [Fact]
    public async Task SearchMigration_IndexesPostsPublishedBeforeIt_AndSkipsDrafts()
    {
        await using var db = await ContextAsync();
        await db.GetService<IMigrator>().MigrateAsync("20261121200000_Publishing");
        var published = new Post { Slug = "bagpipes", Title = "Bagpipes", Summary = "Loud.", PlainText = "Drones and a chanter.", Status = PostStatus.Published, PublishedAt = DateTime.UtcNow.AddDays(-2) };
        published.Tags.Add(new PostTag { Tag = "folk/scottish" });
        db.Posts.Add(published);
        db.Posts.Add(new Post { Slug = "draft", Title = "Draft chanter", PlainText = "A chanter draft.", Status = PostStatus.Draft });
        await db.SaveChangesAsync();

        await db.Database.MigrateAsync();

        var search = new SearchIndex(db, [new PostSearchSource(db)], TimeProvider.System);
        var hit = (await search.SearchAsync("chanter", null, null, 20, CancellationToken.None)).ShouldHaveSingleItem();
        hit.Title.ShouldBe("Bagpipes");
        hit.Url.ShouldBe("/posts/bagpipes");
        hit.Snippet.ShouldContain("<mark>chanter</mark>");
        (await search.SearchAsync("scottish", null, "folk/scottish", 20, CancellationToken.None)).ShouldHaveSingleItem();

        // The migrated document is the one the application would write: indexing the post again changes nothing found.
        await search.IndexAsync([published.Id], CancellationToken.None);
        (await search.SearchAsync("chanter", null, null, 20, CancellationToken.None)).ShouldHaveSingleItem().Title.ShouldBe("Bagpipes");
    }
}

public sealed class SearchMigrationTests_Sqlite() : SearchMigrationTests(Db.Sqlite);

public sealed class SearchMigrationTests_Postgres() : SearchMigrationTests(Db.Postgres);
