using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;

namespace Atelier.Tests.Platform;

/// <summary>Job handlers that exist only in tests: one fails a set number of times, one always fails.</summary>
public sealed class FlakyJob : JobHandler<FlakyJob.Payload>
{
    public sealed record Payload(Guid Id, int FailTimes);

    public static readonly ConcurrentDictionary<Guid, ConcurrentQueue<DateTime>> Attempts = new();

    public override string Kind => "test.flaky";

    protected override Task HandleAsync(Payload payload, CancellationToken ct)
    {
        var attempts = Attempts.GetOrAdd(payload.Id, _ => new());
        attempts.Enqueue(DateTime.UtcNow);
        return attempts.Count <= payload.FailTimes
            ? throw new InvalidOperationException($"planned failure {attempts.Count}")
            : Task.CompletedTask;
    }
}

public abstract class JobsTests(JobsTests.App app)
{
    public abstract class App(Db db) : AtelierFactory(db)
    {
        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IJobHandler, FlakyJob>();
    }

    public sealed class SqliteJobsApp() : App(Db.Sqlite);

    public sealed class PostgresJobsApp() : App(Db.Postgres);

    private async Task<Guid> EnqueueAsync(FlakyJob.Payload payload, int maxAttempts)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDb>();
        scope.ServiceProvider.GetRequiredService<JobQueue>().Enqueue(db, "test.flaky", payload, maxAttempts: maxAttempts);
        await db.SaveChangesAsync();
        return (await db.Jobs.AsNoTracking().OrderByDescending(j => j.CreatedAt).FirstAsync()).Id;
    }

    private async Task<Job> WaitForAsync(Guid jobId, JobStatus status)
    {
        for (var i = 0; i < 150; i++)
        {
            using var scope = app.Services.CreateScope();
            var job = await scope.ServiceProvider.GetRequiredService<AppDb>().Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            if (job.Status == status)
            {
                return job;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {jobId} never became {status}");
    }

    [Fact]
    public async Task FailingJob_IsRetriedWithGrowingBackoff_UntilItSucceeds()
    {
        var payload = new FlakyJob.Payload(Guid.NewGuid(), FailTimes: 2);
        var id = await EnqueueAsync(payload, maxAttempts: 5);

        var job = await WaitForAsync(id, JobStatus.Succeeded);
        job.Attempts.ShouldBe(3);
        job.LastError.ShouldBeNull();
        var times = FlakyJob.Attempts[payload.Id].ToArray();
        times.Length.ShouldBe(3);
        // Base delay 100 ms doubling, with ±20 % jitter: the retries wait at least 80 ms and then 160 ms.
        (times[1] - times[0]).TotalMilliseconds.ShouldBeGreaterThanOrEqualTo(80);
        (times[2] - times[1]).TotalMilliseconds.ShouldBeGreaterThanOrEqualTo(160);
    }

    [Fact]
    public async Task JobFailingEveryAttempt_IsDeadLettered_ListedForAdmins_AndCanBeRetried()
    {
        var payload = new FlakyJob.Payload(Guid.NewGuid(), FailTimes: 100);
        var id = await EnqueueAsync(payload, maxAttempts: 3);

        var dead = await WaitForAsync(id, JobStatus.Dead);
        dead.Attempts.ShouldBe(3);
        dead.LastError!.ShouldContain("planned failure 3");
        FlakyJob.Attempts[payload.Id].Count.ShouldBe(3);

        var client = app.CreateClient();
        var owner = await app.OwnerAsync(client);
        var admin = app.CreateClient(owner.AccessToken);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/jobs?status=dead");
        listed.GetProperty("items").EnumerateArray().ShouldContain(j => j.GetProperty("id").GetGuid() == id
            && j.GetProperty("status").GetString() == "Dead" && j.GetProperty("lastError").GetString()!.Contains("planned failure"));

        (await admin.PostAsync($"/api/v1/admin/jobs/{id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await WaitForAsync(id, JobStatus.Dead);
        FlakyJob.Attempts[payload.Id].Count.ShouldBe(6);

        // The admin panel shows it and retries it too (cookie sign-in, antiforgery-protected form).
        var panel = app.CreatePageClient();
        (await AtelierFactory.SubmitFormAsync(panel, "/account/login", new Dictionary<string, string>
        {
            ["Input.Email"] = "owner@atelier.test", ["Input.Password"] = "owner password 1",
        })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await (await panel.GetAsync("/admin/jobs?status=dead")).Content.ReadAsStringAsync();
        page.ShouldContain("planned failure 6");
        var retried = await panel.PostAsync($"/admin/jobs?handler=Retry&id={id}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AtelierFactory.AntiforgeryToken(page),
        }));
        (await retried.Content.ReadAsStringAsync()).ShouldContain("The job is back in the queue.");
        await WaitForAsync(id, JobStatus.Dead);
        FlakyJob.Attempts[payload.Id].Count.ShouldBe(9);
        (await admin.PostAsync($"/api/v1/admin/jobs/{Guid.NewGuid()}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PendingJob_SurvivesARestart_AndRunsOnTheNextInstance()
    {
        // A job stored while no worker runs (as after a crash) is picked up by whichever instance starts next.
        var payload = new FlakyJob.Payload(Guid.NewGuid(), FailTimes: 0);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            db.Jobs.Add(new Job
            {
                Kind = "test.flaky",
                Payload = JsonSerializer.Serialize(payload, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
                Status = JobStatus.Running,
                Attempts = 1,
                LockedBy = "crashed-instance",
                LockedUntil = DateTime.UtcNow.AddSeconds(-1),
                RunAt = DateTime.UtcNow.AddMinutes(-1),
                CreatedAt = DateTime.UtcNow.AddMinutes(-1),
            });
            await db.SaveChangesAsync();
        }
        for (var i = 0; i < 100 && !FlakyJob.Attempts.ContainsKey(payload.Id); i++)
        {
            await Task.Delay(100);
        }
        FlakyJob.Attempts.ContainsKey(payload.Id).ShouldBeTrue("the abandoned job was never taken over");
    }
}

public sealed class JobsTests_Sqlite(JobsTests.SqliteJobsApp app) : JobsTests(app), IClassFixture<JobsTests.SqliteJobsApp>;

public sealed class JobsTests_Postgres(JobsTests.PostgresJobsApp app) : JobsTests(app), IClassFixture<JobsTests.PostgresJobsApp>;
