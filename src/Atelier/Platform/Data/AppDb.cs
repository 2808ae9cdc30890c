using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Atelier.Platform.Data;

/// <summary>The one DbContext. Each feature contributes <see cref="IEntityTypeConfiguration{T}"/> classes.</summary>
public sealed class AppDb(DbContextOptions<AppDb> options) : DbContext(options)
{
    internal DbSet<Features.Accounts.User> Users => Set<Features.Accounts.User>();
    internal DbSet<Features.Accounts.UserCode> UserCodes => Set<Features.Accounts.UserCode>();
    internal DbSet<Features.Accounts.RefreshToken> RefreshTokens => Set<Features.Accounts.RefreshToken>();
    internal DbSet<Jobs.Job> Jobs => Set<Jobs.Job>();
    internal DbSet<StoredKey> Keys => Set<StoredKey>();
    internal DbSet<Features.Publishing.Post> Posts => Set<Features.Publishing.Post>();
    internal DbSet<Features.Publishing.PostTag> PostTags => Set<Features.Publishing.PostTag>();
    internal DbSet<Features.Publishing.Category> Categories => Set<Features.Publishing.Category>();
    internal DbSet<Features.Publishing.PostCategory> PostCategories => Set<Features.Publishing.PostCategory>();
    internal DbSet<Features.Publishing.PostRevision> PostRevisions => Set<Features.Publishing.PostRevision>();
    internal DbSet<Features.Publishing.PostLink> PostLinks => Set<Features.Publishing.PostLink>();
    internal DbSet<Features.Publishing.Redirect> Redirects => Set<Features.Publishing.Redirect>();
    internal DbSet<Features.Publishing.Asset> Assets => Set<Features.Publishing.Asset>();
    internal DbSet<Features.Publishing.Vault> Vaults => Set<Features.Publishing.Vault>();
    internal DbSet<Features.Publishing.VaultImport> VaultImports => Set<Features.Publishing.VaultImport>();
    internal DbSet<Features.Publishing.StoredSetting> Settings => Set<Features.Publishing.StoredSetting>();
    internal DbSet<Features.Media.MediaItem> Media => Set<Features.Media.MediaItem>();
    internal DbSet<Features.Media.MediaFile> MediaFiles => Set<Features.Media.MediaFile>();
    internal DbSet<Features.Media.Album> Albums => Set<Features.Media.Album>();
    internal DbSet<Features.Media.AlbumItem> AlbumItems => Set<Features.Media.AlbumItem>();
    internal DbSet<Features.Messenger.Conversation> Conversations => Set<Features.Messenger.Conversation>();
    internal DbSet<Features.Messenger.ChatMember> ChatMembers => Set<Features.Messenger.ChatMember>();
    internal DbSet<Features.Messenger.ChatMessage> ChatMessages => Set<Features.Messenger.ChatMessage>();
    internal DbSet<Features.Messenger.ChatAttachment> ChatAttachments => Set<Features.Messenger.ChatAttachment>();
    internal DbSet<Features.Messenger.ChatReaction> ChatReactions => Set<Features.Messenger.ChatReaction>();
    internal DbSet<Features.Messenger.ChatConnection> ChatConnections => Set<Features.Messenger.ChatConnection>();
    internal DbSet<Features.Messenger.ChatPresence> ChatPresence => Set<Features.Messenger.ChatPresence>();
    internal DbSet<Features.Studio.Patch> Patches => Set<Features.Studio.Patch>();
    internal DbSet<Features.Studio.PatchVersion> PatchVersions => Set<Features.Studio.PatchVersion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDb).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is UTC; SQLite hands values back as Unspecified, so mark them on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v.HasValue ? v.Value.ToUniversalTime() : v,
        v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}

/// <summary>A named secret shared by all instances: data-protection key ring entries and the JWT signing key.</summary>
internal sealed class StoredKey
{
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class StoredKeyConfiguration : IEntityTypeConfiguration<StoredKey>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<StoredKey> b)
    {
        b.ToTable("platform_keys");
        b.HasKey(k => k.Name);
        b.Property(k => k.Name).HasMaxLength(200);
    }
}
