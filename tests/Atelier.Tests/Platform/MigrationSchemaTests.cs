using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Atelier.Platform;
using Atelier.Platform.Data;

namespace Atelier.Tests.Platform;

/// <summary>
/// The migrations are hand-written, so this proves they build exactly the schema the EF model describes
/// (tables, column types and nullability, indexes, foreign keys) on both databases, and that instances starting
/// together do not trip over each other.
/// </summary>
public abstract class MigrationSchemaTests(Db provider) : IAsyncLifetime
{
    private readonly List<string> _sqliteFiles = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in _sqliteFiles)
        {
            File.Delete(file);
        }
        return ValueTask.CompletedTask;
    }

    private async Task<string> NewDatabaseAsync()
    {
        if (provider == Db.Postgres)
        {
            return await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        }
        var file = Path.Combine(Path.GetTempPath(), $"atelier-schema-{Guid.NewGuid():N}.db");
        _sqliteFiles.Add(file);
        return $"Data Source={file};Pooling=False;Default Timeout=30";
    }

    private AppDb Context(string connectionString)
    {
        var options = new AtelierOptions { Database = { Provider = provider == Db.Postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite } };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Atelier"] = connectionString }).Build();
        var builder = new DbContextOptionsBuilder<AppDb>();
        DataExtensions.Configure(builder, options, configuration);
        return new AppDb(builder.Options);
    }

    [Fact]
    public async Task MigratedSchema_EqualsTheSchemaOfTheModel()
    {
        var migratedCs = await NewDatabaseAsync();
        var createdCs = await NewDatabaseAsync();
        await using (var migrated = Context(migratedCs))
        {
            await migrated.Database.MigrateAsync();
            (await migrated.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        }
        await using (var created = Context(createdCs))
        {
            await created.Database.EnsureCreatedAsync();
        }

        var fromMigrations = await DescribeAsync(migratedCs);
        var fromModel = await DescribeAsync(createdCs);
        fromMigrations.ShouldNotBeEmpty();
        fromMigrations.ShouldContain(line => line.StartsWith("column accounts_users.NormalizedEmail", StringComparison.Ordinal));
        fromMigrations.Except(fromModel).ShouldBeEmpty("in the migrated schema but not in the model's");
        fromModel.Except(fromMigrations).ShouldBeEmpty("in the model's schema but not in the migrated one");
        fromMigrations.ShouldBe(fromModel);
    }

    [Fact]
    public async Task TwoInstancesMigratingAtOnce_BothSucceed_AndApplyEachMigrationOnce()
    {
        var cs = await NewDatabaseAsync();
        await using var a = Context(cs);
        await using var b = Context(cs);
        var runs = await Task.WhenAll(DataExtensions.MigrateAsync(a, CancellationToken.None), DataExtensions.MigrateAsync(b, CancellationToken.None));
        // One instance applied everything; the other waited its turn and found nothing left to do.
        runs.Select(r => r.Count).Order().ShouldBe([0, a.Database.GetMigrations().Count()]);

        await using var check = Context(cs);
        var applied = (await check.Database.GetAppliedMigrationsAsync()).ToList();
        applied.ShouldBe(check.Database.GetMigrations().ToList());
        (await check.Users.CountAsync()).ShouldBe(0);
    }

    private async Task<List<string>> DescribeAsync(string cs)
    {
        var lines = new List<string>();
        await using DbConnection connection = provider == Db.Postgres ? new NpgsqlConnection(cs) : new SqliteConnection(cs);
        await connection.OpenAsync();
        var sql = provider == Db.Postgres
            ? """
              SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '') || ' ' || is_nullable
                FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EF%' AND table_name NOT LIKE 'search\_%'
              UNION ALL
              SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EF%' AND tablename NOT LIKE 'search\_%'
              UNION ALL
              SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%\_\_EF%' AND conrelid::regclass::text NOT LIKE 'search\_%'
              """
            : """
              SELECT 'column ' || m.name || '.' || c.name || ' ' || c.type || ' notnull=' || c."notnull" || ' pk=' || c.pk
                FROM sqlite_master m JOIN pragma_table_info(m.name) c
               WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name NOT LIKE '\_\_EF%' ESCAPE '\' AND m.name NOT LIKE 'search\_%' ESCAPE '\'
              UNION ALL
              SELECT 'index ' || m.name || ' ' || il.name || ' unique=' || il."unique" || ' (' || (SELECT group_concat(ii.name, ',') FROM pragma_index_info(il.name) ii) || ')'
                FROM sqlite_master m JOIN pragma_index_list(m.name) il
               WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name NOT LIKE '\_\_EF%' ESCAPE '\' AND m.name NOT LIKE 'search\_%' ESCAPE '\'
              UNION ALL
              SELECT 'fk ' || m.name || '.' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' on delete ' || f.on_delete
                FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
               WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name NOT LIKE '\_\_EF%' ESCAPE '\' AND m.name NOT LIKE 'search\_%' ESCAPE '\'
              """;
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}

public sealed class MigrationSchemaTests_Sqlite() : MigrationSchemaTests(Db.Sqlite);

public sealed class MigrationSchemaTests_Postgres() : MigrationSchemaTests(Db.Postgres);
