using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Atelier.Features.Messenger;

public enum ConversationKind { Direct, Group }

public enum MemberRole { Member, Admin, Owner }

/// <summary>A direct chat (exactly one per pair of people) or a group. <see cref="LastSeq"/> numbers its messages.</summary>
internal sealed class Conversation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public ConversationKind Kind { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }

    /// <summary>For a direct chat, both user ids in order ("a:b"); unique, so a pair never has two.</summary>
    public string? DirectKey { get; set; }

    /// <summary>The sequence number of the newest message; the next message gets one more, in the same transaction.</summary>
    public long LastSeq { get; set; }
    public Guid CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastActivityAt { get; set; }

    public static string KeyOf(Guid a, Guid b) => a.CompareTo(b) < 0 ? $"{a:N}:{b:N}" : $"{b:N}:{a:N}";
}

internal sealed class ChatMember
{
    public Guid ConversationId { get; set; }
    public Guid UserId { get; set; }
    public MemberRole Role { get; set; }

    /// <summary>The member has read every message up to this sequence number.</summary>
    public long ReadUpToSeq { get; set; }
    public DateTime JoinedAt { get; set; }
}

internal sealed class ChatMessage
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ConversationId { get; set; }
    public long Seq { get; set; }
    public Guid SenderId { get; set; }

    /// <summary>The sender's idempotency key: a repeated send with the same key returns this message.</summary>
    public required string ClientMessageId { get; set; }
    public string Text { get; set; } = "";

    /// <summary>Ids of the members named as @DisplayName, comma-separated.</summary>
    public string Mentions { get; set; } = "";
    public Guid? ReplyToId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? EditedAt { get; set; }
    public DateTime? DeletedAt { get; set; }
}

/// <summary>A media-library item shown in a message; members of the conversation may fetch it even when it is private.</summary>
internal sealed class ChatAttachment
{
    public Guid MessageId { get; set; }
    public Guid MediaId { get; set; }
    public Guid ConversationId { get; set; }
    public int Position { get; set; }
}

internal sealed class ChatReaction
{
    public Guid MessageId { get; set; }
    public Guid UserId { get; set; }
    public required string Emoji { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One open hub connection, for presence across devices and instances. Each instance refreshes <see cref="SeenAt"/>
/// of its own connections; rows of an instance that died stop counting when they go stale.
/// </summary>
internal sealed class ChatConnection
{
    public required string ConnectionId { get; set; }
    public Guid UserId { get; set; }
    public required string Instance { get; set; }
    public bool Away { get; set; }
    public DateTime ConnectedAt { get; set; }
    public DateTime SeenAt { get; set; }
}

/// <summary>When a user was last seen by the messenger (their last connection closing, or going away).</summary>
internal sealed class ChatPresence
{
    public Guid UserId { get; set; }
    public DateTime LastSeenAt { get; set; }
}

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> b)
    {
        b.ToTable("chat_conversations");
        b.HasKey(c => c.Id);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Name).HasMaxLength(ChatLimits.MaxName);
        b.Property(c => c.Description).HasMaxLength(ChatLimits.MaxDescription);
        b.Property(c => c.DirectKey).HasMaxLength(65);
        b.HasIndex(c => c.DirectKey).IsUnique();
    }
}

internal sealed class ChatMemberConfiguration : IEntityTypeConfiguration<ChatMember>
{
    public void Configure(EntityTypeBuilder<ChatMember> b)
    {
        b.ToTable("chat_members");
        b.HasKey(m => new { m.ConversationId, m.UserId });
        b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(m => m.UserId);
        b.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Accounts.User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatMessageConfiguration : IEntityTypeConfiguration<ChatMessage>
{
    public void Configure(EntityTypeBuilder<ChatMessage> b)
    {
        b.ToTable("chat_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.ClientMessageId).HasMaxLength(ChatLimits.MaxClientMessageId);
        b.Property(m => m.Text).HasMaxLength(ChatLimits.MaxText);
        b.Property(m => m.Mentions).HasMaxLength(4000);
        b.HasIndex(m => new { m.ConversationId, m.Seq }).IsUnique();
        b.HasIndex(m => new { m.ConversationId, m.SenderId, m.ClientMessageId }).IsUnique();
        b.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatAttachmentConfiguration : IEntityTypeConfiguration<ChatAttachment>
{
    public void Configure(EntityTypeBuilder<ChatAttachment> b)
    {
        b.ToTable("chat_attachments");
        b.HasKey(a => new { a.MessageId, a.MediaId });
        b.HasIndex(a => a.MediaId);
        b.HasOne<ChatMessage>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Media.MediaItem>().WithMany().HasForeignKey(a => a.MediaId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatReactionConfiguration : IEntityTypeConfiguration<ChatReaction>
{
    public void Configure(EntityTypeBuilder<ChatReaction> b)
    {
        b.ToTable("chat_reactions");
        b.HasKey(r => new { r.MessageId, r.UserId, r.Emoji });
        b.Property(r => r.Emoji).HasMaxLength(ChatLimits.MaxEmoji * 2);
        b.HasOne<ChatMessage>().WithMany().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChatConnectionConfiguration : IEntityTypeConfiguration<ChatConnection>
{
    public void Configure(EntityTypeBuilder<ChatConnection> b)
    {
        b.ToTable("chat_connections");
        b.HasKey(c => c.ConnectionId);
        b.Property(c => c.ConnectionId).HasMaxLength(64);
        b.Property(c => c.Instance).HasMaxLength(32);
        b.HasIndex(c => c.UserId);
        b.HasIndex(c => c.Instance);
    }
}

internal sealed class ChatPresenceConfiguration : IEntityTypeConfiguration<ChatPresence>
{
    public void Configure(EntityTypeBuilder<ChatPresence> b)
    {
        b.ToTable("chat_presence");
        b.HasKey(p => p.UserId);
    }
}
