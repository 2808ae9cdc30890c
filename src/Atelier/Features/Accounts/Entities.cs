using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Atelier.Features.Accounts;

/// <summary>The roles, from most to least powerful. A user has exactly one.</summary>
public static class Roles
{
    public const string Owner = "Owner";
    public const string Admin = "Admin";
    public const string Author = "Author";
    public const string Member = "Member";

    public static readonly string[] All = [Owner, Admin, Author, Member];
}

internal sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string DisplayName { get; set; }
    public string PasswordHash { get; set; } = "";
    public bool EmailConfirmed { get; set; }
    public string Role { get; set; } = Roles.Member;
    public int AccessFailedCount { get; set; }
    public DateTime? LockoutEnd { get; set; }
    public DateTime CreatedAt { get; set; }

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();
}

/// <summary>A one-time code sent by email (confirmation, password reset). Only its hash is stored.</summary>
internal sealed class UserCode
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string Purpose { get; set; }
    public required string CodeHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

/// <summary>
/// A refresh token, stored hashed. Each refresh uses one and issues the next in the same family; presenting a used
/// one means it was stolen or replayed, so the whole family is revoked.
/// </summary>
internal sealed class RefreshToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public Guid FamilyId { get; set; }
    public required string TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("accounts_users");
        b.HasKey(u => u.Id);
        b.Property(u => u.Email).HasMaxLength(256);
        b.Property(u => u.NormalizedEmail).HasMaxLength(256);
        b.Property(u => u.DisplayName).HasMaxLength(100);
        b.Property(u => u.PasswordHash).HasMaxLength(512);
        b.Property(u => u.Role).HasMaxLength(16);
        b.HasIndex(u => u.NormalizedEmail).IsUnique();
        b.HasIndex(u => new { u.CreatedAt, u.Id });
    }
}

internal sealed class UserCodeConfiguration : IEntityTypeConfiguration<UserCode>
{
    public void Configure(EntityTypeBuilder<UserCode> b)
    {
        b.ToTable("accounts_user_codes");
        b.HasKey(c => c.Id);
        b.Property(c => c.Purpose).HasMaxLength(32);
        b.Property(c => c.CodeHash).HasMaxLength(64);
        b.HasIndex(c => new { c.UserId, c.Purpose });
        b.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> b)
    {
        b.ToTable("accounts_refresh_tokens");
        b.HasKey(t => t.Id);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.FamilyId);
        b.HasIndex(t => t.UserId);
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
