using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Atelier.Platform.Data;

internal static class DataExtensions
{
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDbContextFactory<AppDb>((sp, db) =>
            Configure(db, sp.GetRequiredService<IOptions<AtelierOptions>>().Value, builder.Configuration));
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
                db.UseNpgsql(cs, o => o.MigrationsHistoryTable("__EFMigrationsHistory"));
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

    public static string SqliteConnectionString(AtelierOptions options) =>
        $"Data Source={Path.Combine(options.FullDataPath, "atelier.db")};Pooling=True;Default Timeout=30";

    /// <summary>Applies pending migrations. EF holds a database lock meanwhile, so instances starting together take turns.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AppDb>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers go on while a writer writes; it is a property of the file, so set it once.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        return pending;
    }
}
