using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Atelier.Platform.Jobs;

internal enum JobStatus { Pending, Running, Succeeded, Dead }

/// <summary>A unit of background work, stored so it survives restarts and runs on whichever instance claims it.</summary>
internal sealed class Job
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Kind { get; set; }
    public required string Payload { get; set; }
    public JobStatus Status { get; set; } = JobStatus.Pending;
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 8;
    public DateTime RunAt { get; set; }
    public DateTime? LockedUntil { get; set; }
    public string? LockedBy { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> b)
    {
        b.ToTable("platform_jobs");
        b.HasKey(j => j.Id);
        b.Property(j => j.Kind).HasMaxLength(100);
        b.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(j => j.LockedBy).HasMaxLength(100);
        b.HasIndex(j => new { j.Status, j.RunAt });
    }
}
