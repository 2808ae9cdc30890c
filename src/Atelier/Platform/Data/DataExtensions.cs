using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace Atelier.Platform.Data;

internal static class DataExtensions
{
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        // Pooled: a context is reset and reused instead of built anew. Building one (its internal services, on first
        // use) allocated ~40 KB, which the messenger paid on every message sent.
        builder.Services.AddPooledDbContextFactory<AppDb>((sp, db) =>
            Configure(db, sp.GetRequiredService<IOptions<AtelierOptions>>().Value, builder.Configuration));
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDb>>().CreateDbContext());
        builder.Services.AddSingleton<IXmlRepository, DbXmlRepository>();
        return builder;
    }

    /// <summary>Points EF at the configured provider. Shared by the host and the command line.</summary>
    public static void Configure(DbContextOptionsBuilder db, AtelierOptions options, IConfiguration configuration)
    {
        switch (options.Database.Provider)
        {
            case DatabaseProvider.Postgres:
                var cs = configuration.GetConnectionString("Atelier");
                if (string.IsNullOrWhiteSpace(cs))
                {
                    throw new OptionsValidationException("ConnectionStrings:Atelier", typeof(AtelierOptions),
                        ["ConnectionStrings:Atelier is required when Atelier:Database:Provider is Postgres."]);
                }
                db.UseNpgsql(WithDefaults(cs), o => o.MigrationsHistoryTable("__EFMigrationsHistory"));
                break;
            default:
                var explicitCs = configuration.GetConnectionString("Atelier");
                db.UseSqlite(string.IsNullOrWhiteSpace(explicitCs) ? SqliteConnectionString(options) : explicitCs);
                break;
        }
        // Migrations are hand-written (there is no design-time package), so there is no model snapshot to compare with;
        // a test proves the migrated schema equals the model instead.
        db.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    /// <summary>
    /// PostgreSQL settings Atelier wants unless the connection string says otherwise: the statements a connection runs
    /// most are prepared on the server (parsed and planned once per connection instead of on every call).
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal));
        if (!given.Contains(nameof(builder.MaxAutoPrepare), StringComparer.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
        }
        return builder.ConnectionString;
    }

    public static string SqliteConnectionString(AtelierOptions options) =>
        $"Data Source={Path.Combine(options.FullDataPath, "atelier.db")};Pooling=True;Default Timeout=30";

    /// <summary>Applies pending migrations; instances starting together take turns (see <see cref="MigrateAsync(AppDb, CancellationToken)"/>).</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AppDb>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await MigrateAsync(db, ct);
    }

    /// <summary>
    /// Applies pending migrations and returns their ids. On PostgreSQL a session advisory lock is held for the whole run:
    /// EF's own lock lives in a transaction that ends with the first migration, so a second instance could start
    /// applying the next one meanwhile. On SQLite, EF's lock table serialises the runs.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(AppDb db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            // WAL lets readers go on while a writer writes; it is a property of the file, so set it once.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        Npgsql.NpgsqlConnection? lockConnection = null;
        if (db.Database.IsNpgsql())
        {
            lockConnection = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
            await lockConnection.OpenAsync(ct);
            await using var take = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", lockConnection);
            take.CommandTimeout = 600;
            await take.ExecuteNonQueryAsync(ct);
        }
        try
        {
            // Create the history table first: asking a database without it which migrations are applied makes EF log a
            // failed query at Error level (PostgreSQL "checks" by catching the error), which would alarm operators.
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync(ct);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                await db.Database.MigrateAsync(ct);
            }
            return pending;
        }
        finally
        {
            if (lockConnection is not null)
            {
                // Unlock explicitly: a pooled connection's session (and its advisory locks) outlives Dispose.
                await using (var release = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey})", lockConnection))
                {
                    await release.ExecuteNonQueryAsync(CancellationToken.None);
                }
                await lockConnection.DisposeAsync();
            }
        }
    }

    /// <summary>An arbitrary constant naming Atelier's migration lock among PostgreSQL advisory locks.</summary>
    private const long MigrationLockKey = 0x4174656C6965;
}
