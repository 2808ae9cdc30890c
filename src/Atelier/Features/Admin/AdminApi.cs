using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Atelier.Features.Accounts;
using Atelier.Platform;
using Atelier.Platform.Data;
using Atelier.Platform.Http;
using Atelier.Platform.Jobs;

namespace Atelier.Features.Admin;

public sealed record JobCounts(int Pending, int Running, int Succeeded, int Dead);

public sealed record SystemStatus(
    string Version,
    string DatabaseProvider,
    IReadOnlyList<string> MigrationsApplied,
    IReadOnlyList<string> MigrationsPending,
    JobCounts Jobs,
    string MailMode,
    string DataPath,
    DateTime StartedAt);

public sealed record AdminUserDto(Guid Id, string Email, string DisplayName, string Role, bool EmailConfirmed, DateTime CreatedAt, DateTime? LockoutEnd);

public sealed record JobDto(Guid Id, string Kind, string Status, int Attempts, int MaxAttempts, DateTime RunAt, DateTime CreatedAt, DateTime? CompletedAt, string? LastError);

public sealed record ChangeRoleRequest([property: Required, AllowedValues(Roles.Admin, Roles.Author, Roles.Member)] string Role);

/// <summary>Reads what the admin status page and <c>GET /api/v1/admin/status</c> show.</summary>
internal sealed class SystemStatusReader(AppDb db, IOptions<AtelierOptions> options)
{
    private static readonly DateTime StartedAt = DateTime.UtcNow;

    public static string Version { get; } =
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public async Task<SystemStatus> ReadAsync(CancellationToken ct)
    {
        var o = options.Value;
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        var counts = await db.Jobs.AsNoTracking().GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(JobStatus s) => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0;
        var mail = string.IsNullOrWhiteSpace(o.Smtp.Host)
            ? $"pickup folder {Path.Combine(o.FullDataPath, "mail")}"
            : $"SMTP {o.Smtp.Host}:{o.Smtp.Port}{(o.Smtp.EnableSsl ? " (TLS)" : "")}";
        return new SystemStatus(Version, o.Database.Provider.ToString(), applied, pending,
            new JobCounts(Count(JobStatus.Pending), Count(JobStatus.Running), Count(JobStatus.Succeeded), Count(JobStatus.Dead)),
            mail, o.FullDataPath, StartedAt);
    }
}

/// <summary>The job queue as admins see it: listing (newest first, keyset-paged) and putting dead jobs back.</summary>
internal sealed class JobAdmin(AppDb db, JobQueue queue, TimeProvider time)
{
    /// <summary>A page of jobs, or null when the status or cursor is not one of ours.</summary>
    public async Task<Page<JobDto>?> ListAsync(string? status, PageRequest page, CancellationToken ct)
    {
        var query = db.Jobs.AsNoTracking();
        if (status is not null)
        {
            if (!Enum.TryParse<JobStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s))
            {
                return null;
            }
            query = query.Where(j => j.Status == s);
        }
        if (page.Cursor is not null)
        {
            if (!Keyset.TryDecode(page.Cursor, out var key, out var id))
            {
                return null;
            }
            query = query.Where(j => j.CreatedAt < key || (j.CreatedAt == key && j.Id < id));
        }
        var rows = await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(page.Take + 1)
            .Select(j => new JobDto(j.Id, j.Kind, j.Status.ToString(), j.Attempts, j.MaxAttempts, j.RunAt, j.CreatedAt, j.CompletedAt, j.LastError))
            .ToListAsync(ct);
        return Keyset.ToPage(rows, page.Take, j => (j.CreatedAt, j.Id));
    }

    /// <summary>Puts a dead-lettered job back in the queue with a fresh set of attempts.</summary>
    public async Task<bool> RetryAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.Jobs.Where(j => j.Id == id && j.Status == JobStatus.Dead).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, JobStatus.Pending)
            .SetProperty(j => j.Attempts, 0)
            .SetProperty(j => j.RunAt, now)
            .SetProperty(j => j.CompletedAt, (DateTime?)null), ct);
        if (updated > 0)
        {
            queue.Wake();
        }
        return updated > 0;
    }
}

internal static class AdminApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Admin").RequireApi(AccountsExtensions.ApiAdmin);
        admin.MapGet("/status", (SystemStatusReader status, CancellationToken ct) => status.ReadAsync(ct))
            .WithSummary("Version, database, migrations, jobs and mail mode.");
        admin.MapGet("/users", ListUsersAsync).WithSummary("Users, oldest first, keyset-paged.");
        admin.MapPut("/users/{id:guid}/role", ChangeRoleAsync).WithSummary("Change a user's role (only the owner grants Admin).");
        admin.MapGet("/jobs", ListJobsAsync).WithSummary("Background jobs, newest first, keyset-paged; filter by status.");
        admin.MapPost("/jobs/{id:guid}/retry", RetryJobAsync).WithSummary("Put a dead-lettered job back in the queue.");
    }

    private static async Task<Results<Ok<Page<AdminUserDto>>, ProblemHttpResult>> ListUsersAsync(
        [AsParameters] PageRequest page, AppDb db, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking();
        if (page.Cursor is not null)
        {
            if (!Keyset.TryDecode(page.Cursor, out var key, out var id))
            {
                return Keyset.InvalidCursor();
            }
            query = query.Where(u => u.CreatedAt > key || (u.CreatedAt == key && u.Id > id));
        }
        var rows = await query.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Take(page.Take + 1)
            .Select(u => new AdminUserDto(u.Id, u.Email, u.DisplayName, u.Role, u.EmailConfirmed, u.CreatedAt, u.LockoutEnd))
            .ToListAsync(ct);
        return TypedResults.Ok(Keyset.ToPage(rows, page.Take, u => (u.CreatedAt, u.Id)));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> ChangeRoleAsync(
        Guid id, ChangeRoleRequest request, System.Security.Claims.ClaimsPrincipal principal, AppDb db, CancellationToken ct)
    {
        if (request.Role == Roles.Admin && !principal.IsInRole(Roles.Owner))
        {
            return TypedResults.Problem(statusCode: 403, title: "Only the owner can make admins.");
        }
        var target = await db.Users.Where(u => u.Id == id).Select(u => u.Role).SingleOrDefaultAsync(ct);
        if (target is null)
        {
            return TypedResults.NotFound();
        }
        if (target == Roles.Owner)
        {
            return TypedResults.Problem(statusCode: 409, title: "The owner's role cannot be changed.");
        }
        if (target == Roles.Admin && !principal.IsInRole(Roles.Owner))
        {
            return TypedResults.Problem(statusCode: 403, title: "Only the owner can change an admin's role.");
        }
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Role, request.Role), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Page<JobDto>>, ProblemHttpResult>> ListJobsAsync(
        [AsParameters] PageRequest page, [AllowedValues(null, "pending", "running", "succeeded", "dead")] string? status,
        JobAdmin jobs, CancellationToken ct) =>
        await jobs.ListAsync(status, page, ct) is { } result ? TypedResults.Ok(result) : Keyset.InvalidCursor();

    private static async Task<Results<NoContent, NotFound>> RetryJobAsync(Guid id, JobAdmin jobs, CancellationToken ct) =>
        await jobs.RetryAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
}

public static class AdminExtensions
{
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<SystemStatusReader>();
        builder.Services.AddScoped<JobAdmin>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        AdminApi.Map(api);
        return app;
    }
}
